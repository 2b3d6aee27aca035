/**
 * A caption file for a video, checked by its content (decision 49): WebVTT — the only caption format
 * the native <track> element plays — in UTF-8, at most CAPTIONS_MAX_BYTES, starting with "WEBVTT"
 * and holding at least one cue with valid timings. The parsing is node-webvtt's (strict mode); the
 * size, the encoding and "at least one cue" are ours, since a caption file without captions is
 * what the check is for.
 */
import { readFile, stat } from "node:fs/promises";
import { parse as parseWebVtt } from "node-webvtt";

/** 512 KB: a two-hour film's captions are ~150 KB */
export const CAPTIONS_MAX_BYTES = 512 * 1024;
export const CAPTIONS_MEDIA_TYPE = "text/vtt; charset=utf-8";

export type CaptionsProblem = "captionsMissing" | "captionsTooLarge" | "captionsEncoding" | "captionsInvalid" | "captionsEmpty";

export async function checkCaptions(path: string | undefined): Promise<{ ok: true; cues: number } | { ok: false; problem: CaptionsProblem }> {
  if (!path) return { ok: false, problem: "captionsMissing" };
  const { size } = await stat(path);
  if (size === 0) return { ok: false, problem: "captionsMissing" };
  if (size > CAPTIONS_MAX_BYTES) return { ok: false, problem: "captionsTooLarge" };
  let text: string;
  try {
    // a byte-order mark is allowed by the format; anything that is not UTF-8 is refused
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(await readFile(path));
  } catch {
    return { ok: false, problem: "captionsEncoding" };
  }
  if (text.includes("\u0000")) return { ok: false, problem: "captionsEncoding" };
  if (!/^WEBVTT(?:[ \t][^\r\n]*)?(?:\r\n|\r|\n|$)/.test(text)) return { ok: false, problem: "captionsInvalid" };
  try {
    const parsed = parseWebVtt(text, { strict: true });
    if (!parsed.valid) return { ok: false, problem: "captionsInvalid" };
    if (parsed.cues.length === 0) return { ok: false, problem: "captionsEmpty" };
    return { ok: true, cues: parsed.cues.length };
  } catch {
    return { ok: false, problem: "captionsInvalid" };
  }
}
