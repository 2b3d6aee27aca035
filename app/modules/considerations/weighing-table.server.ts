/**
 * The weighing table (Abwägungstabelle) of one procedure for the council: every statement —
 * published or not, every channel — with its number, date of receipt, channel, text, decision and
 * consideration, and the office that answers (never a staff member's name).
 *
 * Two variants: `named` (internal: the submitter's name, never contact details; every statement
 * whose name goes out gets a privacy-log entry, written batch by batch just before that batch is
 * handed on) and `anonymised` (no names; the personal-data detector's findings replaced in every
 * text), the one for a public council meeting. The text is the original or the published (redacted)
 * version, chosen at export.
 *
 * Rows are read in keyset batches (procedure, id), so 100 000 statements pass through in bounded
 * memory; the writers (xlsx.server.ts, odt.server.ts) stream them on.
 */
import type { Kysely, Transaction } from "kysely";
import type { Channel, Database } from "#db/schema";
import { berlinDay } from "~/i18n/dates";
import { fixedT } from "~/i18n/i18n.server";
import { suggestRedaction } from "~/modules/moderation/personal-data";
import { toLonLat, type Georeference } from "~/modules/places/place";
import { placesOfSubmissions } from "~/modules/places/places.server";
import { georeferenceOf } from "~/modules/places/plans.server";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { openNamesForExport } from "~/modules/privacy/contact-data.server";
import type { Procedure } from "~/modules/procedures/procedure";
import { decisionLabel, decisionSet } from "./decisions.server";

type Db = Kysely<Database> | Transaction<Database>;

export const WEIGHING_VARIANTS = ["named", "anonymised"] as const;
export type WeighingVariant = (typeof WEIGHING_VARIANTS)[number];
export const WEIGHING_TEXTS = ["original", "redacted"] as const;
export type WeighingText = (typeof WEIGHING_TEXTS)[number];
export const WEIGHING_FORMATS = ["xlsx", "odt"] as const;
export type WeighingFormat = (typeof WEIGHING_FORMATS)[number];

/** The words in the address (German: the files are the municipality's records). */
export const VARIANT_PARAM: Record<string, WeighingVariant> = { namentlich: "named", anonymisiert: "anonymised" };
export const TEXT_PARAM: Record<string, WeighingText> = { original: "original", geschwaerzt: "redacted" };

export const WEIGHING_BATCH = 500;
/** A spreadsheet cell holds at most 32 767 characters. */
const CELL_MAX = 32_000;

export interface WeighingRow {
  number: number;
  /** YYYY-MM-DD, Berlin: the date of receipt for post, the day it was entered otherwise */
  receivedOn: string;
  channel: Channel;
  /** named variant only: the submitter's name, "" when none was given */
  name: string;
  /** the statement's free-text answers, each headed by its question when there are several */
  text: string;
  decision: string;
  consideration: string;
  /** the consideration's number when it is shared by several statements (a common consideration) */
  commonConsideration: number | null;
  /** the columns other areas add (section, place): key → value */
  extra: Record<string, string>;
}

/**
 * A column another area adds to the table (issue 17's sections, issue 18's places): its German
 * header and the values for a batch of statements. Registered in EXTRA_COLUMNS below; the writers
 * show one column each, and the document groups by the column marked `groups`.
 */
export interface ExtraColumn {
  key: string;
  header: string;
  width: number;
  groups?: boolean;
  values(db: Db, submissionIds: number[], context: ExtraContext): Promise<Map<number, string>>;
}

/** What a column may need beyond the batch's statements, read once per export. */
export interface ExtraContext {
  variant: WeighingVariant;
  /** the plan's georeference (places as longitude/latitude), null without one */
  georeference: Georeference | null;
}

/** The group of statements about the draft as a whole (no section): first in the council's table. */
export const WHOLE_DRAFT = "Zum Entwurf insgesamt";

/**
 * Sections (issue 17): the numbered section of the draft a statement is about; the document and the
 * printable table group by it (weighingRows reads the rows section by section for them).
 * Places (issue 18): the words, the grid cell and, on a georeferenced plan, the point as longitude and
 * latitude — one line each. The words are free text a resident wrote (it can be a home address), so
 * the anonymised variant passes them through the personal-data detector like the statement's text.
 */
export const EXTRA_COLUMNS: ExtraColumn[] = [
  {
    key: "section",
    header: "Abschnitt",
    width: 20,
    groups: true,
    async values(db, submissionIds) {
      const rows = await db
        .selectFrom("submissions")
        .innerJoin("procedure_sections", "procedure_sections.id", "submissions.section_id")
        .select(["submissions.id", "procedure_sections.number", "procedure_sections.title"])
        .where("submissions.id", "in", submissionIds)
        .execute();
      return new Map(rows.map((r) => [r.id, `${r.number} ${r.title}`]));
    },
  },
  {
    key: "place",
    header: "Ort",
    width: 28,
    async values(db, submissionIds, { variant, georeference }) {
      const places = await placesOfSubmissions(db, submissionIds);
      const values = new Map<number, string>();
      for (const [id, place] of places) {
        // a place a moderator withheld from publication (decision 51) is not handed on
        if (variant === "anonymised" && place.withheld) continue;
        const lines: string[] = [];
        if (place.description) lines.push(variant === "anonymised" ? suggestRedaction(place.description).redacted : place.description);
        if (place.cell) lines.push(`Feld ${place.cell}`);
        if (georeference && place.x !== undefined && place.y !== undefined) {
          const [lon, lat] = toLonLat(georeference, { x: place.x, y: place.y });
          lines.push(`Länge ${lon}, Breite ${lat} (WGS 84)`);
        }
        if (lines.length) values.set(id, lines.join("\n"));
      }
      return values;
    },
  },
];

export interface WeighingOptions {
  variant: WeighingVariant;
  text: WeighingText;
  /** who exports: recorded with each named statement's privacy-log entry */
  moderatorId: number;
  /** stop after this many rows (the printable page); the files take every statement */
  limit?: number;
  /**
   * "section": the statements about the whole draft first, then section by section in the draft's
   * order, by number within each (the council's document and the printable table); otherwise by number.
   */
  order?: "number" | "section";
  now?: Date;
}

/** A control character other than tab and line breaks cannot stand in XML (XLSX, ODT). */
// eslint-disable-next-line no-control-regex
export const xmlSafe = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
const capped = (s: string) => (s.length > CELL_MAX ? `${s.slice(0, CELL_MAX)} […]` : s);

export async function countStatements(db: Db, organisationId: number, procedureId: number): Promise<number> {
  const r = await db.selectFrom("submissions").select((eb) => eb.fn.countAll<number>().as("n")).where("organisation_id", "=", organisationId).where("procedure_id", "=", procedureId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The table's rows in number order (or grouped by section: `order`), a batch at a time. For the named
 * variant the batch's names are opened (and logged in each statement's privacy log) in one transaction
 * before the batch is yielded.
 */
export async function* weighingRows(db: Kysely<Database>, procedure: Procedure, o: WeighingOptions): AsyncGenerator<WeighingRow[]> {
  const set = await decisionSet(db, procedure.organisationId);
  // the council's paper is German, whoever exports it
  const t = fixedT("de", "moderation");
  const label = (key: string) => decisionLabel(set, key, (k) => t(k), "de");
  const free = procedure.questions.filter((q) => q.kind === "long_text" || q.kind === "short_text").sort((a, b) => a.position - b.position);
  // common considerations: shared by more than one statement (bounded by the number of groups)
  const shared = new Set(
    (
      await db
        .selectFrom("submissions")
        .select("response_id")
        .where("procedure_id", "=", procedure.id)
        .where("response_id", "is not", null)
        .groupBy("response_id")
        .having((eb) => eb.fn.countAll(), ">", 1)
        .execute()
    ).map((r) => r.response_id!),
  );
  const context: ExtraContext = { variant: o.variant, georeference: await georeferenceOf(db, procedure.id) };
  // Berlin's offset from UTC is whole hours and changes on the hour: one calendar lookup per hour of receipt
  const days = new Map<number, string>();
  const dayOf = (iso: string) => {
    const hour = Math.floor(Date.parse(iso) / 3_600_000);
    return days.get(hour) ?? days.set(hour, berlinDay(iso)).get(hour)!;
  };
  let left = o.limit ?? Number.POSITIVE_INFINITY;
  // each scope is read in keyset batches (procedure, section, id): bounded memory whatever the order
  const sections = o.order === "section" ? await db.selectFrom("procedure_sections").select("id").where("procedure_id", "=", procedure.id).orderBy("position").execute() : [];
  const scopes: (number | null | undefined)[] = o.order === "section" ? [null, ...sections.map((r) => r.id)] : [undefined];
  for (const scope of scopes) {
    let after = 0;
    while (left > 0) {
      let query = db
        .selectFrom("submissions")
        .leftJoin("responses", "responses.id", "submissions.response_id")
        .select(["submissions.id", "submissions.created_at", "submissions.received_on", "submissions.channel", "responses.id as response_id", "responses.decision", "responses.text as consideration"])
        .where("submissions.organisation_id", "=", procedure.organisationId)
        .where("submissions.procedure_id", "=", procedure.id);
      if (scope !== undefined) query = query.where("submissions.section_id", scope === null ? "is" : "=", scope);
      const batch = await query.where("submissions.id", ">", after).orderBy("submissions.id").limit(Math.min(WEIGHING_BATCH, left)).execute();
      if (batch.length === 0) break;
      after = batch[batch.length - 1].id;
      left -= batch.length;
      yield await weighingBatch(db, procedure, o, batch, { free, shared, label, context, dayOf });
    }
  }
}

type BatchRow = { id: number; created_at: string; received_on: string | null; channel: Channel; response_id: number | null; decision: string | null; consideration: string | null };

/** One batch's rows: its free-text answers and redactions, names (named variant, logged) and extra columns, read for this batch only. */
async function weighingBatch(
  db: Kysely<Database>,
  procedure: Procedure,
  o: WeighingOptions,
  batch: BatchRow[],
  { free, shared, label, context, dayOf }: { free: Procedure["questions"]; shared: Set<number>; label: (key: string) => string; context: ExtraContext; dayOf: (iso: string) => string },
): Promise<WeighingRow[]> {
  const freeIds = free.map((q) => q.id);
  const ids = batch.map((b) => b.id);
  // every answer of the batch's statements, the free-text ones picked here: with the question ids in
  // the query SQLite read all 100 000 answers of the question through its index (150 ms a batch,
  // 20 × the lookup by statement), as it has no statistics to know better
  const wanted = new Set(freeIds);
  const answers = freeIds.length
    ? (
        await db
          .selectFrom("answers")
          .leftJoin("answer_redactions", "answer_redactions.answer_id", "answers.id")
          .select(["answers.submission_id", "answers.question_id", "answers.value", "answer_redactions.public_value"])
          .where("answers.submission_id", "in", ids)
          .orderBy("answers.id")
          .execute()
      ).filter((a) => wanted.has(a.question_id))
    : [];
  const texts = new Map<number, { question: string; value: string }[]>();
  for (const q of free) {
    for (const a of answers) {
      if (a.question_id !== q.id) continue;
      let value = o.text === "redacted" ? (a.public_value ?? a.value) : a.value;
      if (o.variant === "anonymised") value = suggestRedaction(value).redacted;
      if (!value.trim()) continue;
      const list = texts.get(a.submission_id) ?? [];
      list.push({ question: q.label, value });
      texts.set(a.submission_id, list);
    }
  }
  const names = o.variant === "named" ? await openNamesForExport(db, procedure.organisationId, ids, { moderatorId: o.moderatorId, legalBasis: LEGAL_BASES.publicTask, now: o.now }) : new Map<number, string>();
  const extras = await Promise.all(EXTRA_COLUMNS.map(async (c) => [c.key, await c.values(db, ids, context)] as const));
  return batch.map((b) => ({
    number: b.id,
    receivedOn: b.received_on ?? dayOf(b.created_at),
    channel: b.channel,
    name: xmlSafe(names.get(b.id) ?? ""),
    text: capped(xmlSafe(statementText(texts.get(b.id) ?? []))),
    decision: b.decision ? label(b.decision) : "",
    consideration: capped(xmlSafe(b.consideration ?? "")),
    commonConsideration: b.response_id !== null && shared.has(b.response_id) ? b.response_id : null,
    extra: Object.fromEntries(extras.map(([key, values]) => [key, xmlSafe(values.get(b.id) ?? "")])),
  }));
}

/** A statement's free-text answers as one text: each headed by its question when it answered several. */
const statementText = (answers: { question: string; value: string }[]) =>
  answers.length === 1 ? answers[0].value : answers.map((a) => `${a.question}:\n${a.value}`).join("\n\n");

/** A column of the files: German header, width in characters, the cell's text. */
export interface WeighingColumn {
  key: string;
  header: string;
  width: number;
  value(row: WeighingRow): string | number;
}

/** The table's columns for a variant, in order (the name only in the named one; sections and places where they exist). */
export function weighingColumns(variant: WeighingVariant, office: string): WeighingColumn[] {
  const t = fixedT("de", "staff");
  // a handful of channels, 100 000 rows: each label translated once
  const channels = new Map<Channel, string>();
  const channel = (c: Channel) => channels.get(c) ?? channels.set(c, t(`channels.${c}`)).get(c)!;
  return [
    { key: "number", header: "Nr.", width: 8, value: (r) => r.number },
    { key: "receivedOn", header: "Eingang", width: 12, value: (r) => r.receivedOn },
    { key: "channel", header: "Weg", width: 12, value: (r) => channel(r.channel) },
    ...(variant === "named" ? [{ key: "name", header: "Name", width: 24, value: (r: WeighingRow) => r.name }] : []),
    ...EXTRA_COLUMNS.map((c) => ({ key: c.key, header: c.header, width: c.width, value: (r: WeighingRow) => r.extra[c.key] ?? "" })),
    { key: "text", header: "Stellungnahme", width: 60, value: (r) => r.text },
    { key: "decision", header: "Entscheidung", width: 22, value: (r) => r.decision },
    { key: "consideration", header: "Abwägung", width: 60, value: (r) => r.consideration },
    { key: "common", header: "Gemeinsame Abwägung", width: 12, value: (r) => (r.commonConsideration === null ? "" : `A-${r.commonConsideration}`) },
    { key: "office", header: "Antwortende Stelle", width: 24, value: () => office },
  ];
}
