/**
 * sharp (libvips), loaded on first use. Most workers never draw a picture, and loading libvips costs
 * ~20 MB of RSS and its thread pool from the start; a worker that does draw gets one image at a time
 * per libvips thread and no cache of decoded images, so its memory stays bounded under load.
 */
import type Sharp from "sharp";

let loading: Promise<typeof Sharp> | undefined;

export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import("sharp").then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loading;
}
