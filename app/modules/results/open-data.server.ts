/**
 * The open-data files: the CSV of the published statements and the JSON with the statistics, as
 * streams that page through the database (one batch in memory however many submissions there are).
 * Their words are German whatever the reader's language (the language of the procedure's content).
 */
import type { Kysely, Transaction } from "kysely";
import type { Channel, Database, ResponseDecision } from "#db/schema";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { fixedT } from "~/i18n/i18n.server";
import { RESPONSE_DECISIONS } from "~/modules/moderation/decisions";
import { CHANNELS } from "~/modules/procedures/dashboard.server";
import type { Procedure, Question } from "~/modules/procedures/procedure";
import { CSV_BOM, csvRow } from "./csv";
import { MIN_GROUP_SIZE, type HiddenReason } from "./disclosure";
import { publishedBatches, sectionCounts, type PublishedSubmission } from "./published.server";
import { CHART_KINDS, LICENSE_URI, TEXT_KINDS } from "./rules";
import { answerOptions, resultsStatistics, type ValueLabels } from "./statistics.server";

type Db = Kysely<Database> | Transaction<Database>;

/** The words the files use (always German, the language of the procedure's content). */
export interface ExportLabels extends ValueLabels {
  columns: { number: string; received: string; channel: string; decision: string; response: string; section: string; sectionTitle: string };
  channels: Record<Channel, string>;
  decisions: Record<ResponseDecision, string>;
}

/** The files' words, from the German translations (the files do not change with the reader's language). */
export function exportLabels(): ExportLabels {
  const t = fixedT(CONTENT_LANGUAGE, "results");
  const p = fixedT(CONTENT_LANGUAGE, "privacy");
  return {
    yes: t("yes"),
    no: t("no"),
    columns: { number: t("export.number"), received: t("export.received"), channel: t("export.channel"), decision: t("export.decision"), response: t("export.response"), section: t("export.section"), sectionTitle: t("export.sectionTitle") },
    channels: Object.fromEntries(CHANNELS.map((c) => [c, t(`channels.${c}`)])) as Record<Channel, string>,
    decisions: Object.fromEntries(RESPONSE_DECISIONS.map((d) => [d, p(`decisions.${d}`)])) as Record<ResponseDecision, string>,
  };
}

/** A published text answer as the files have it ("" when not answered). */
const textAnswer = (values: string[] | undefined) => (values ?? []).join("\n");

const questionKey = (number: number) => `frage_${number}`;

/** The questions whose answers a published row carries (free text only, decision 30), with their keys. */
const rowQuestions = (questions: readonly Question[]) =>
  questions.map((q, i) => ({ q, key: questionKey(i + 1) })).filter(({ q }) => TEXT_KINDS.includes(q.kind));

/** A ReadableStream of UTF-8 text from an async generator of strings, one chunk per pull. */
function textStream(source: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const { value, done } = await source.next();
          if (done) return controller.close();
          if (value) return controller.enqueue(encoder.encode(value));
        }
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}

export interface ExportOptions {
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * The CSV file: UTF-8 with BOM, RFC 4180 (comma, CRLF, quotes as needed), one row per published
 * submission: number, for a procedure with numbered sections the section's number and title (empty:
 * the draft as a whole), each text question's public answer, decision, response (decision 30: no
 * channel, day or choice answers — those are counted in the JSON's statistics).
 */
export function csvExport(db: Db, procedure: Pick<Procedure, "id" | "questions">, labels: ExportLabels, options: ExportOptions = {}): ReadableStream<Uint8Array> {
  const columns = rowQuestions(procedure.questions);
  async function* lines(): AsyncGenerator<string> {
    const c = labels.columns;
    const withSections = (await sectionCounts(db, procedure.id)) !== null;
    const sectionCells = (s: PublishedSubmission) => (withSections ? [s.section?.number ?? "", s.section?.title ?? ""] : []);
    yield CSV_BOM + csvRow([c.number, ...(withSections ? [c.section, c.sectionTitle] : []), ...columns.map(({ q }) => q.label), c.decision, c.response]);
    for await (const batch of publishedBatches(db, procedure.id, options)) {
      let chunk = "";
      for (const s of batch) {
        chunk += csvRow([
          s.number,
          ...sectionCells(s),
          ...columns.map(({ q }) => textAnswer(s.answers.get(q.id))),
          s.response ? (labels.decisions[s.response.decision as ResponseDecision] ?? s.response.decision) : "",
          s.response?.text ?? "",
        ]);
      }
      yield chunk;
    }
  }
  return textStream(lines());
}

const countJson = (c: { count: number | null; hidden: HiddenReason | null }) =>
  c.count === null ? { count: null, suppressed: true, reason: c.hidden } : { count: c.count, suppressed: false };

export interface JsonExportMeta {
  title: string;
  organisation: string;
  url: string;
  opensAt: string;
  closesAt: string;
  issued: string;
  modified: string;
}

/**
 * The JSON file: what the CSV has (with option values instead of labels, the labels listed per
 * question) plus the statistics per question and per channel, suppressed as on the page.
 */
export function jsonExport(
  db: Kysely<Database>,
  procedure: Pick<Procedure, "id" | "questions">,
  meta: JsonExportMeta,
  labels: ExportLabels,
  options: ExportOptions = {},
): ReadableStream<Uint8Array> {
  const columns = rowQuestions(procedure.questions);
  async function* parts(): AsyncGenerator<string> {
    const [{ channels, statistics }, bySection] = await Promise.all([resultsStatistics(db, procedure, labels), sectionCounts(db, procedure.id)]);
    const head = {
      title: meta.title,
      publisher: meta.organisation,
      url: meta.url,
      license: LICENSE_URI,
      participation: { from: meta.opensAt, until: meta.closesAt },
      issued: meta.issued,
      modified: meta.modified,
      notes:
        "Ohne Namen und Kontaktdaten. Freitexte in der veröffentlichten (ggf. geschwärzten) Fassung. " +
        `Gruppen mit weniger als ${MIN_GROUP_SIZE} Antworten sind unterdrückt (count: null, suppressed: true, reason: small_group); ` +
        "wo sich eine solche Zahl aus den anderen ausrechnen ließe, auch die nächstkleinere Gruppe (reason: protects_small_group). " +
        "Die Statistik zählt alle nicht zurückgezogenen Beiträge, die Liste enthält die veröffentlichten, fortlaufend nummeriert, " +
        "mit ihren Freitexten und der Antwort der Verwaltung – ohne Eingangsweg, Eingangsdatum und Antworten zur Auswahl, die nur gezählt werden." +
        (bySection
          ? " Hat der Entwurf nummerierte Abschnitte, nennt jeder Beitrag den Abschnitt, zu dem er Stellung nimmt (section: null = zum Entwurf insgesamt); " +
            "sections zählt je Abschnitt nur die veröffentlichten Beiträge – genau das, was die Liste zeigt."
          : ""),
      minimumGroupSize: MIN_GROUP_SIZE,
      questions: procedure.questions.map((q, i) => ({
        key: questionKey(i + 1),
        label: q.label,
        kind: q.kind,
        ...(CHART_KINDS.includes(q.kind) ? { options: answerOptions(q, labels) } : {}),
      })),
      ...(bySection
        ? {
            sections: [
              ...bySection.sections.map((x) => ({ number: x.number, title: x.title, depth: x.depth, published: x.published })),
              { number: null, title: "Zum Entwurf insgesamt", depth: null, published: bySection.wholeDraft },
            ],
          }
        : {}),
      statistics: {
        channels: channels.map((c) => ({ channel: c.channel, label: labels.channels[c.channel], ...countJson(c) })),
        questions: statistics.map((s) => ({
          key: questionKey(s.number),
          label: s.label,
          kind: s.kind,
          counts: s.rows.map((r) => ({ value: r.value, label: r.label, ...countJson(r) })),
        })),
      },
    };
    const text = JSON.stringify(head);
    yield `${text.slice(0, -1)},"submissions":[`;
    let first = true;
    for await (const batch of publishedBatches(db, procedure.id, options)) {
      let chunk = "";
      for (const s of batch) {
        const answers: Record<string, string | null> = {};
        for (const { q, key } of columns) answers[key] = s.answers.has(q.id) ? textAnswer(s.answers.get(q.id)) : null;
        const row = bySection ? { number: s.number, section: s.section, answers, response: s.response } : { number: s.number, answers, response: s.response };
        chunk += `${first ? "\n" : ",\n"}${JSON.stringify(row)}`;
        first = false;
      }
      yield chunk;
    }
    yield "\n]}\n";
  }
  return textStream(parts());
}
