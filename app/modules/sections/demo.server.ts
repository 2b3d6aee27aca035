/**
 * Demo statements on the open *Radverkehrsplan 2030* (issue 17): a dozen statements by several
 * channels, spread over the draft's numbered sections and the draft as a whole, a few already
 * published — so a new user of `npm start` finds the moderation queue's section filter and its
 * counts by section filled. Through the same createSubmission and publishSubmission staff use, so
 * the privacy logs read as in real use. Demo mode only, into the demo municipality once.
 */
import type { Kysely } from "kysely";
import type { Channel, Database } from "#db/schema";
import { procedureForModeration, publishSubmission } from "~/modules/moderation/moderation.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { sectionByNumber } from "./outline";
import { sectionsOf } from "./sections.server";

export const DEMO_CYCLING_SLUG = "radverkehrsplan-2030";
const DAY = 86_400_000;

interface DemoStatement {
  /** the section's number; "" for the draft as a whole */
  section: string;
  text: string;
  place?: string;
  mode: "bike" | "foot" | "bus" | "car";
  grade: number;
  channel: Channel;
  published?: boolean;
}

const STATEMENTS: DemoStatement[] = [
  { section: "1", text: "22 Prozent bis 2030 sind zu wenig ehrgeizig, andere Städte schaffen 30.", mode: "bike", grade: 3, channel: "online", published: true },
  { section: "2", text: "In der Bestandsaufnahme fehlt die Lücke zwischen Bahnhof und Gewerbegebiet Süd.", place: "Gewerbegebiet Süd", mode: "bike", grade: 4, channel: "online", published: true },
  { section: "3.1", text: "Die Kreuzung Ringstraße/Mühlenweg zuerst umbauen, dort passieren die meisten Unfälle.", place: "Ringstraße / Mühlenweg", mode: "bike", grade: 4, channel: "online", published: true },
  { section: "3.1", text: "Grüne Welle für Radfahrende an der Ringstraße, bitte.", place: "Ringstraße", mode: "bike", grade: 5, channel: "phone" },
  { section: "3.2", text: "Die geschützten Radfahrstreifen in der Bahnhofstraße sind gut. Lieferverkehr braucht aber eigene Ladezonen.", place: "Bahnhofstraße", mode: "bike", grade: 4, channel: "online", published: true },
  { section: "3.2", text: "46 Parkplätze weniger in der Bahnhofstraße schaden den Geschäften.", place: "Bahnhofstraße", mode: "car", grade: 2, channel: "letter" },
  { section: "3.2", text: "Mehr Abstellbügel vor der Stadtbibliothek und am Markt.", place: "Markt", mode: "foot", grade: 4, channel: "online" },
  { section: "3.3", text: "Der Radweg nach Waldau sollte beleuchtet sein, im Winter fahre ich im Dunkeln zur Arbeit.", place: "Waldauer Straße", mode: "bike", grade: 4, channel: "paper" },
  { section: "4", text: "Das Fahrradparkhaus am Bahnhof früher bauen, nicht erst 2030.", place: "Bahnhof", mode: "bus", grade: 4, channel: "online", published: true },
  { section: "5", text: "Was kostet der Unterhalt der neuen Wege jedes Jahr? Das fehlt in der Rechnung.", mode: "foot", grade: 3, channel: "counter" },
  { section: "", text: "Insgesamt ein guter Entwurf. Bitte die Schulwege besonders beachten.", mode: "foot", grade: 5, channel: "online", published: true },
  { section: "", text: "Ich fahre mit Rollator; breite Gehwege ohne Radverkehr sind mir wichtig.", mode: "foot", grade: 3, channel: "phone" },
];

/** Adds the demo statements to the open cycling plan when it has none yet. */
export async function seedDemoCyclingStatements(db: Kysely<Database>, now: Date = new Date()): Promise<boolean> {
  const org = await db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirst();
  if (!org) return false;
  const row = await db.selectFrom("procedures").select("id").where("organisation_id", "=", org.id).where("slug", "=", DEMO_CYCLING_SLUG).where("status", "=", "open").executeTakeFirst();
  if (!row) return false;
  if (await db.selectFrom("submissions").select("id").where("procedure_id", "=", row.id).executeTakeFirst()) return false;
  const moderator = await db.selectFrom("accounts").select("id").where("organisation_id", "=", org.id).where("email", "=", "moderation@demo.example").executeTakeFirst();
  const procedure = await procedureForModeration(db, org.id, row.id);
  const sections = await sectionsOf(db, procedure, now);
  const [text, place, mode, , grade] = procedure.questions;
  for (const [i, s] of STATEMENTS.entries()) {
    const at = new Date(now.getTime() - (12 - i) * DAY);
    const answers = [
      { questionId: text.id, values: [s.text] },
      { questionId: mode.id, values: [s.mode] },
      { questionId: grade.id, values: [String(s.grade)] },
      ...(s.place ? [{ questionId: place.id, values: [s.place] }] : []),
    ];
    const created = await db.transaction().execute((trx) =>
      createSubmission(trx, {
        procedure,
        input: { answers, contact: {}, sectionId: s.section ? sectionByNumber(sections, s.section)!.id : null },
        channel: s.channel,
        language: "de",
        idempotencyKey: `demo-${DEMO_CYCLING_SLUG}-${i}`,
        enteredByAccountId: s.channel === "online" ? null : moderator?.id ?? null,
        receivedOn: s.channel === "paper" || s.channel === "letter" ? at.toISOString().slice(0, 10) : null,
        now: at,
      }),
    );
    if (s.published && moderator) {
      await publishSubmission(db, { organisationId: org.id, submissionId: created.submissionId, moderatorId: moderator.id, redactions: new Map(), confirmedChecked: true, now: new Date(at.getTime() + DAY / 2) });
    }
  }
  return true;
}
