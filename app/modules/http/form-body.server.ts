/**
 * Reads an urlencoded form body ourselves instead of request.formData(), so that we can
 * cap its size while streaming (413), refuse other content types (415), count fields, keep
 * repeated fields visible, and reject bytes that are not valid UTF-8 rather than silently
 * turning them into U+FFFD.
 */
import { HttpError } from "./errors";

export const MAX_FORM_BYTES = Number(process.env.MAX_FORM_BYTES ?? 256 * 1024);
export const MAX_FORM_FIELDS = 300;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function percentDecode(s: string): string {
  const plus = s.replace(/\+/g, " ");
  if (!plus.includes("%")) {
    return plus;
  }
  const bytes: number[] = [];
  for (let i = 0; i < plus.length; i++) {
    const c = plus.charCodeAt(i);
    if (c === 0x25) {
      const hex = plus.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new HttpError(400, "invalid_encoding");
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // non-ASCII characters that arrived unencoded: encode them as UTF-8 again
      const cp = plus.codePointAt(i)!;
      for (const b of Buffer.from(String.fromCodePoint(cp), "utf8")) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    throw new HttpError(400, "invalid_encoding");
  }
}

async function readBodyCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared && Number(declared) > maxBytes) throw new HttpError(413, "too_large");
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new HttpError(413, "too_large");
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}

/** The form's fields, name → all values in order. Throws HttpError (400/413/415) on anything else. */
export async function readForm(
  request: Request,
  { maxBytes = MAX_FORM_BYTES, maxFields = MAX_FORM_FIELDS } = {},
): Promise<Map<string, string[]>> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") throw new HttpError(415, "unsupported_media_type");
  const bytes = await readBodyCapped(request, maxBytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpError(400, "invalid_encoding");
  }
  const fields = new Map<string, string[]>();
  if (text === "") return fields;
  const pairs = text.split("&");
  if (pairs.length > maxFields) throw new HttpError(400, "too_many_fields");
  for (const pair of pairs) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = percentDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = percentDecode(eq < 0 ? "" : pair.slice(eq + 1));
    if (name.length > 100) throw new HttpError(400, "unknown_field");
    const list = fields.get(name);
    if (list) list.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}
