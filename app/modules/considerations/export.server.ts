/**
 * Exporting a procedure's weighing table as a file (XLSX or ODT, named or anonymised): checks what
 * was asked, writes the export into the audit log, then streams the file. The named variant's
 * privacy-log entries are written batch by batch as the names go out (weighing-table.server.ts).
 */
import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { formatDate } from "~/i18n/format";
import { audit } from "~/modules/audit/audit.server";
import { HttpError } from "~/modules/http/errors";
import type { Procedure } from "~/modules/procedures/procedure";
import { ODT_TYPE, weighingOdt } from "./odt.server";
import { TEXT_PARAM, VARIANT_PARAM, WEIGHING_FORMATS, countStatements, weighingColumns, weighingRows, EXTRA_COLUMNS, type WeighingFormat, type WeighingText, type WeighingVariant } from "./weighing-table.server";
import { XLSX_TYPE, weighingXlsx } from "./xlsx.server";

export interface WeighingRequest {
  format: WeighingFormat;
  variant: WeighingVariant;
  text: WeighingText;
}

/** The format from the address and the variant and text from its query; anything else is a 400 (nothing exported). */
export function parseWeighingRequest(format: string | undefined, query: URLSearchParams): WeighingRequest {
  // lng: the language of a refusal's text (every page takes it)
  for (const name of query.keys()) if (!["variante", "text", "lng"].includes(name)) throw new HttpError(400, "unknown_field");
  if (query.getAll("variante").length > 1 || query.getAll("text").length > 1) throw new HttpError(400, "repeated_field");
  const variant = VARIANT_PARAM[query.get("variante") ?? ""];
  const text = TEXT_PARAM[query.get("text") ?? "geschwaerzt"];
  if (!(WEIGHING_FORMATS as readonly string[]).includes(format ?? "") || !variant || !text) throw new HttpError(400, "unknown_field");
  return { format: format as WeighingFormat, variant, text };
}

const VARIANT_WORDS: Record<WeighingVariant, string> = { named: "namentlich (intern)", anonymised: "anonymisiert" };
const TEXT_WORDS: Record<WeighingText, string> = { original: "Originaltext", redacted: "veröffentlichte (geschwärzte) Fassung" };

export async function exportWeighingTable(
  db: Kysely<Database>,
  args: { procedure: Procedure; moderatorId: number; request: WeighingRequest; clientAddress?: string; now?: Date },
): Promise<{ body: Readable; contentType: string; fileName: string }> {
  const { procedure, request } = args;
  const now = args.now ?? new Date();
  const statements = await countStatements(db, procedure.organisationId, procedure.id);
  await db.transaction().execute((trx) =>
    audit(trx, {
      organisationId: procedure.organisationId,
      accountId: args.moderatorId,
      action: "weighing_table_exported",
      targetType: "procedure",
      targetId: procedure.id,
      details: { format: request.format, variant: request.variant, text: request.text, statements },
      clientAddress: args.clientAddress,
      at: now,
    }),
  );
  const office = procedure.responsibleOffice;
  const groupBy = request.format === "odt" ? (EXTRA_COLUMNS.find((c) => c.groups)?.key ?? null) : null;
  // the spreadsheet is one list in number order (it filters and sorts itself); the document is the council's table, grouped
  const rows = weighingRows(db, procedure, { variant: request.variant, text: request.text, moderatorId: args.moderatorId, now, order: groupBy ? "section" : "number" });
  const title = `Abwägungstabelle: ${procedure.title}`;
  const fileName = `abwaegung-${procedure.slug}-${request.variant === "named" ? "namentlich" : "anonymisiert"}.${request.format}`;
  if (request.format === "xlsx") {
    return { body: weighingXlsx(title, weighingColumns(request.variant, office), rows), contentType: XLSX_TYPE, fileName };
  }
  const heading = {
    title,
    lines: [
      `Antwortende Stelle: ${office}`,
      `Stellungnahmen: ${statements} · Fassung: ${VARIANT_WORDS[request.variant]} · Text: ${TEXT_WORDS[request.text]}`,
      `Stand: ${formatDate(now.toISOString(), "de")}`,
    ],
  };
  const columns = weighingColumns(request.variant, office).filter((c) => c.key !== "office");
  return { body: weighingOdt(heading, columns, rows, groupBy, now), contentType: ODT_TYPE, fileName };
}
