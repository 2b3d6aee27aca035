/** The HTTP answer for a picture of a plan (issue 18). */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { HttpError } from "~/modules/http/errors";
import { cellLabels } from "./place";
import { getPlan, parsePicture, renderPlanPicture } from "./plans.server";
import { publishedCellCounts } from "./published-places.server";

/** "<5" for a small group, "–" for one hidden to protect it (the table below the picture says which is which). */
const shownCount = (c: { count: number | null; hidden: string | null }) => (c.count !== null ? String(c.count) : c.hidden === "small_group" ? "<5" : "–");

export async function planPictureResponse(db: Kysely<Database>, procedure: { id: number; status: string }, search: URLSearchParams): Promise<Response> {
  const plan = await getPlan(db, procedure.id);
  if (!plan) throw new HttpError(404, "not_found");
  let picture = parsePicture(plan.grid, search);
  if (!picture) throw new HttpError(404, "not_found");
  if (picture.kind === "counts") {
    // the published statements per cell: only once the results are out
    if (procedure.status !== "results_published") throw new HttpError(404, "not_found");
    const counts = await publishedCellCounts(db, procedure.id, plan.grid);
    const texts = counts.rows.flatMap((r) => r.counts.map((c) => `${c.cell}: ${shownCount(c)}`));
    if (texts.length !== cellLabels(plan.grid).length) throw new HttpError(404, "not_found");
    picture = { kind: "counts", texts };
  }
  const bytes = await renderPlanPicture(db, plan, picture);
  // a versioned URL never changes — except the counts, which a late publication changes
  const current = search.get("v") === plan.version && picture.kind !== "counts";
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "image/webp",
      "Content-Length": String(bytes.byteLength),
      // a versioned URL never changes; an old or missing version gets today's picture, briefly cached
      "Cache-Control": current ? "public, max-age=31536000, immutable" : "public, max-age=300",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox",
    },
  });
}
