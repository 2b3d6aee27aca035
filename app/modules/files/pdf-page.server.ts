/**
 * The first page of a PDF as a picture (issue 18: a plan from a procedure's PDF document), drawn by
 * MuPDF's official WebAssembly build (npm `mupdf`: nothing downloaded at install, no native
 * binary). Loaded on first use like sharp: most workers never draw a PDF, and the module is ~10 MB.
 *
 * Bounded: the page is drawn at most `maxSide` pixels on its longer side, whatever size it claims;
 * a page with no area, an absurd shape, a password or bytes MuPDF cannot read is refused with a
 * reason. Rendering is synchronous (WASM): a few hundred milliseconds once, when an admin saves.
 */
import type * as MuPdf from "mupdf";

let loading: Promise<typeof MuPdf> | undefined;
const loadMuPdf = () => (loading ??= import("mupdf"));

/** Why a PDF's first page cannot be drawn. */
export class PdfPageError extends Error {
  constructor(readonly reason: "unreadable" | "password" | "no_pages" | "page_size") {
    super(`PDF page refused: ${reason}`);
  }
}

/** Longer side ÷ shorter side beyond this is no plan (and would make a picture of one pixel's width). */
const MAX_ASPECT = 20;

/** The first page drawn as PNG, at most maxSide pixels on its longer side (white, no transparency). */
export async function renderFirstPdfPage(bytes: Uint8Array, maxSide: number): Promise<{ png: Buffer; width: number; height: number }> {
  const mupdf = await loadMuPdf();
  let document: MuPdf.Document;
  try {
    document = mupdf.Document.openDocument(bytes, "application/pdf");
  } catch {
    throw new PdfPageError("unreadable");
  }
  try {
    if (document.needsPassword()) throw new PdfPageError("password");
    let page: MuPdf.Page;
    try {
      if (document.countPages() < 1) throw new PdfPageError("no_pages");
      page = document.loadPage(0);
    } catch (error) {
      throw error instanceof PdfPageError ? error : new PdfPageError("unreadable");
    }
    try {
      const [x0, y0, x1, y1] = page.getBounds();
      const w = x1 - x0;
      const h = y1 - y0;
      if (!(w >= 1 && h >= 1) || Math.max(w, h) / Math.min(w, h) > MAX_ASPECT) throw new PdfPageError("page_size");
      const scale = maxSide / Math.max(w, h);
      let pixmap: MuPdf.Pixmap;
      try {
        pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceRGB, false, true);
      } catch {
        throw new PdfPageError("unreadable");
      }
      try {
        return { png: Buffer.from(pixmap.asPNG()), width: pixmap.getWidth(), height: pixmap.getHeight() };
      } finally {
        pixmap.destroy();
      }
    } finally {
      page.destroy();
    }
  } finally {
    document.destroy();
  }
}
