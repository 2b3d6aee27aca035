/**
 * A caller who lost the receipt code: the clerk finds the submission by the day it came in, the
 * channel and words from the statement — never by name, address, e-mail or phone (contact data
 * are encrypted and not searched). Only the text answers are compared, in JavaScript with
 * German case rules (the same on SQLite and PostgreSQL), within one procedure and at most
 * SEARCH_CANDIDATES submissions of the chosen days. Every submission listed with an excerpt gets an
 * `entry_viewed` event (via search) in its privacy log; the route writes the audit entry.
 */
import type { Kysely } from "kysely";
import { inTransaction } from "#db/connection.server";
import type { Channel, Database } from "#db/schema";
import { audit } from "~/modules/audit/audit.server";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { appendPrivacyEvents } from "~/modules/privacy-log/privacy-log.server";
import { berlinTimeToIso, isIsoDay } from "~/i18n/dates";
import type { FieldError, FormFields } from "~/modules/forms/fields";

export const SEARCH_CHANNELS: readonly Channel[] = ["online", "phone", "counter", "paper", "letter"];
export const SEARCH_WORDS_MAX = 200;
export const SEARCH_DAYS_MAX = 62;
/** submissions of the chosen days read to compare words; more: narrow the days or choose a channel */
export const SEARCH_CANDIDATES = 5000;
/** submissions listed at most; more: add a word */
export const SEARCH_RESULTS = 10;
const SEARCH_FIELDS = ["procedure", "channel", "from", "to", "words"];

export interface SearchQuery {
  procedureId: number;
  channel: Channel | null;
  from: string;
  to: string;
  words: string[];
}

const fold = (s: string) => s.normalize("NFKC").toLocaleLowerCase("de");

/** The search form, checked: unknown or repeated fields are refused by the route; every field has a limit. */
export function readSearch(fields: FormFields): { query: SearchQuery | null; errors: FieldError[]; values: Record<string, string> } {
  const values: Record<string, string> = {};
  for (const name of SEARCH_FIELDS) values[name] = (fields.get(name)?.[0] ?? "").trim().slice(0, SEARCH_WORDS_MAX + 1);
  const errors: FieldError[] = [];
  const procedureId = Number(values.procedure);
  if (!Number.isInteger(procedureId) || procedureId <= 0) errors.push({ field: "procedure", message: "desk:find.errors.procedure" });
  if (values.channel !== "" && !(SEARCH_CHANNELS as readonly string[]).includes(values.channel)) errors.push({ field: "channel", message: "desk:find.errors.channel" });
  if (!isIsoDay(values.from)) errors.push({ field: "from", message: "desk:find.errors.date" });
  if (!isIsoDay(values.to)) errors.push({ field: "to", message: "desk:find.errors.date" });
  else if (isIsoDay(values.from)) {
    const days = (Date.parse(values.to) - Date.parse(values.from)) / 86_400_000;
    if (days < 0) errors.push({ field: "to", message: "desk:find.errors.order" });
    else if (days > SEARCH_DAYS_MAX) errors.push({ field: "to", message: "desk:find.errors.range" });
  }
  const words = [...new Set(fold(values.words).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3))];
  if (values.words.length > SEARCH_WORDS_MAX) errors.push({ field: "words", message: "desk:find.errors.wordsLong" });
  else if (words.length === 0) errors.push({ field: "words", message: "desk:find.errors.words" });
  if (errors.length) return { query: null, errors, values };
  return { query: { procedureId, channel: (values.channel || null) as Channel | null, from: values.from, to: values.to, words: words.slice(0, 10) }, errors, values };
}

export interface SearchHit {
  id: number;
  channel: Channel;
  receivedOn: string | null;
  createdAt: string;
  /** the words' neighbourhood in the first text answer that has them all */
  excerpt: string;
}

export type SearchOutcome = { kind: "found"; hits: SearchHit[]; more: boolean } | { kind: "too_many_candidates" } | { kind: "no_procedure" };

function excerptAround(text: string, word: string): string {
  const at = Math.max(0, fold(text).indexOf(word));
  const start = Math.max(0, at - 60);
  const end = Math.min(text.length, at + word.length + 100);
  return `${start > 0 ? "…" : ""}${text.slice(start, end).replace(/\s+/g, " ").trim()}${end < text.length ? "…" : ""}`;
}

/**
 * Find submissions of one procedure by day of receipt, channel and words. Each one listed is
 * recorded in its privacy log, the search in the audit log (what was searched, not the words: they
 * may name people), in one transaction.
 */
export async function findWithoutCode(
  db: Kysely<Database>,
  args: { organisationId: number; accountId: number; query: SearchQuery; clientAddress?: string; now?: Date },
): Promise<SearchOutcome> {
  const outcome = await search(db, args);
  if (outcome.kind === "no_procedure") return outcome;
  const { query } = args;
  const hits = outcome.kind === "found" ? outcome.hits : [];
  await inTransaction(db, async (trx) => {
    for (const hit of hits) {
      await appendPrivacyEvents(trx, { organisationId: args.organisationId, submissionId: hit.id }, [
        {
          type: "entry_viewed",
          actorRole: "staff",
          actorAccountId: args.accountId,
          categories: ["content"],
          purpose: "data_rights",
          legalBasis: LEGAL_BASES.access,
          details: { via: "search" },
          occurredAt: args.now,
        },
      ]);
    }
    await audit(trx, {
      organisationId: args.organisationId,
      accountId: args.accountId,
      action: "submissions_searched",
      targetType: "procedure",
      targetId: query.procedureId,
      details: {
        channel: query.channel,
        from: query.from,
        to: query.to,
        words: query.words.length,
        listed: hits.map((h) => h.id).join(","),
        ...(outcome.kind === "too_many_candidates" ? { too_many: true } : {}),
      },
      clientAddress: args.clientAddress,
      at: args.now,
    });
  });
  return outcome;
}

async function search(db: Kysely<Database>, args: { organisationId: number; query: SearchQuery }): Promise<SearchOutcome> {
  const { query } = args;
  const procedure = await db
    .selectFrom("procedures")
    .select(["id"])
    .where("id", "=", query.procedureId)
    .where("organisation_id", "=", args.organisationId)
    .where("status", "!=", "draft")
    .executeTakeFirst();
  if (!procedure) return { kind: "no_procedure" };
  // the date of receipt: post by the day it arrived, everything else by when it was stored (Berlin days)
  const fromIso = berlinTimeToIso(query.from, [0, 0, 0]);
  const toIso = berlinTimeToIso(query.to, [23, 59, 59]);
  let candidates = db
    .selectFrom("submissions")
    .select(["id", "channel", "received_on", "created_at"])
    .where("organisation_id", "=", args.organisationId)
    .where("procedure_id", "=", procedure.id)
    .where((eb) =>
      eb.or([
        eb.and([eb("received_on", "is not", null), eb("received_on", ">=", query.from), eb("received_on", "<=", query.to)]),
        eb.and([eb("received_on", "is", null), eb("created_at", ">=", fromIso), eb("created_at", "<=", `${toIso.slice(0, 19)}.999Z`)]),
      ]),
    );
  if (query.channel) candidates = candidates.where("channel", "=", query.channel);
  const rows = await candidates.orderBy("id").limit(SEARCH_CANDIDATES + 1).execute();
  if (rows.length > SEARCH_CANDIDATES) return { kind: "too_many_candidates" };

  const textQuestions = (
    await db.selectFrom("questions").select("id").where("procedure_id", "=", procedure.id).where("kind", "in", ["short_text", "long_text"]).execute()
  ).map((q) => q.id);
  const hits: SearchHit[] = [];
  let more = false;
  for (let i = 0; i < rows.length && !more && textQuestions.length > 0; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const answers = await db
      .selectFrom("answers")
      .select(["submission_id", "question_id", "value"])
      .where("submission_id", "in", chunk.map((r) => r.id))
      .orderBy("id")
      .execute();
    for (const row of chunk) {
      const texts = answers.filter((a) => a.submission_id === row.id && textQuestions.includes(a.question_id)).map((a) => a.value);
      const all = fold(texts.join("\n"));
      if (!query.words.every((w) => all.includes(w))) continue;
      if (hits.length === SEARCH_RESULTS) {
        more = true;
        break;
      }
      const first = texts.find((t) => fold(t).includes(query.words[0])) ?? texts[0] ?? "";
      hits.push({ id: row.id, channel: row.channel, receivedOn: row.received_on, createdAt: row.created_at, excerpt: excerptAround(first, query.words[0]) });
    }
  }
  return { kind: "found", hits, more };
}

/** The procedures a caller may ask about: every one that has taken submissions, newest first. */
export function searchableProcedures(db: Kysely<Database>, organisationId: number) {
  return db
    .selectFrom("procedures")
    .select(["id", "title"])
    .where("organisation_id", "=", organisationId)
    .where("status", "!=", "draft")
    .orderBy("opens_at", "desc")
    .execute();
}
