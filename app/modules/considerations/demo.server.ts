/**
 * Demo data with published results (issue 19): a concluded procedure whose statements came in by
 * every channel, were moderated (one redacted, one not published), considered one by one and in
 * groups, and whose results are published — so a new user of `npm start` sees the results page
 * with its charts and tables, the open data and the weighing table at once, without moderating
 * first. Everything goes through the same functions staff use, so the privacy logs and the audit
 * log read as they would in real use. Demo mode only, into the demo municipality once.
 */
import type { Kysely } from "kysely";
import type { Channel, Database } from "#db/schema";
import { doNotPublish, procedureForModeration, publishSubmission } from "~/modules/moderation/moderation.server";
import { suggestRedaction } from "~/modules/moderation/personal-data";
import { LEGAL_BASES } from "~/modules/privacy-log/legal-basis";
import { publishResults } from "~/modules/results/publishing.server";
import { createSubmission } from "~/modules/submissions/submissions.server";
import { recordConsideration } from "./considerations.server";

export const DEMO_CONCLUDED_SLUG = "spielplatz-lindenpark";
const DAY = 86_400_000;

interface DemoStatement {
  text: string;
  visits: "daily" | "weekly" | "rarely";
  channel: Channel;
  contact?: { name?: string; email?: string; address?: string };
}

const STATEMENTS: DemoStatement[] = [
  { text: "Bitte eine Wasserspielanlage einplanen, im Sommer ist es auf dem Platz sehr heiß.", visits: "daily", channel: "online", contact: { name: "Lena Hoffmann", email: "lena.hoffmann@example.org" } },
  { text: "Wasser zum Spielen wäre toll, am besten mit Pumpe wie im Stadtpark.", visits: "weekly", channel: "online" },
  { text: "Eine Matschanlage mit Wasser für die Kleinen, bitte.", visits: "daily", channel: "paper", contact: { name: "Hans Becker", address: "Lindenweg 4, 30159 Musterstadt" } },
  { text: "Mehr Schatten: Bäume oder ein Sonnensegel über dem Sandkasten.", visits: "daily", channel: "online" },
  { text: "Schattenplätze für Eltern und Großeltern mit Bänken fehlen.", visits: "weekly", channel: "phone", contact: { name: "Irmgard Schulz" } },
  { text: "Die Bänke sollten Lehnen haben, damit Ältere gut sitzen können.", visits: "rarely", channel: "letter", contact: { name: "Walter König", address: "Am Markt 9, 30159 Musterstadt" } },
  { text: "Ein Zaun zur Lindenstraße, die Autos fahren dort schnell.", visits: "daily", channel: "online", contact: { email: "familie.yilmaz@example.net" } },
  { text: "Bitte den Platz zur Straße hin sichern, mein Sohn ist schon einmal auf die Fahrbahn gelaufen. Rufen Sie mich gern an: 0511 7654321.", visits: "daily", channel: "online" },
  { text: "Eine Rampe, damit auch Kinder im Rollstuhl auf das Klettergerüst kommen.", visits: "weekly", channel: "online", contact: { name: "Sven Krüger", email: "s.krueger@example.org" } },
  { text: "Inklusive Spielgeräte, zum Beispiel ein Nestschaukel und ein ebenerdiges Karussell.", visits: "weekly", channel: "counter" },
  { text: "Eine Toilette in der Nähe wäre wichtig.", visits: "daily", channel: "online" },
  { text: "Öffentliches WC am Lindenpark, das abends abgeschlossen wird.", visits: "rarely", channel: "phone" },
  { text: "Bitte keinen Bolzplatz direkt neben den Wohnhäusern, der Lärm ist schon jetzt groß.", visits: "rarely", channel: "letter", contact: { name: "Dr. Petra Lange", address: "Lindenstraße 21, 30159 Musterstadt" } },
  { text: "Ein kleiner Bolzplatz für die älteren Kinder fehlt im ganzen Viertel.", visits: "weekly", channel: "online" },
  { text: "Mehr Mülleimer und eine regelmäßige Reinigung am Wochenende.", visits: "daily", channel: "online" },
  { text: "Hundekot im Sand ist ein Problem. Bitte Schilder und Kontrollen.", visits: "weekly", channel: "paper" },
  { text: "Bessere Beleuchtung am Weg durch den Park, im Winter ist es ab 16 Uhr dunkel.", visits: "rarely", channel: "online" },
  { text: "Trinkbrunnen für Kinder und Hunde.", visits: "weekly", channel: "online" },
  { text: "Bitte alles so lassen, wie es ist. Der alte Spielplatz hat Charme.", visits: "rarely", channel: "online" },
  { text: "Das ist doch alles Geldverschwendung, ihr Idioten im Rathaus!", visits: "rarely", channel: "online" },
];

/** Common considerations for similar statements (by index in STATEMENTS), then single ones. */
const CONSIDERATIONS: { statements: number[]; decision: string; text: string }[] = [
  { statements: [0, 1, 2], decision: "accepted", text: "Eine Wasser- und Matschanlage mit Handpumpe wird in der Nordecke des Platzes gebaut; das Wasser ist von Mai bis September angestellt." },
  { statements: [3, 4], decision: "accepted", text: "Über dem Sandkasten kommt ein Sonnensegel; am Rand werden vier Linden gepflanzt und zwei Bänke im Schatten aufgestellt." },
  { statements: [5], decision: "partly_accepted", text: "Die neuen Bänke bekommen Rücken- und Armlehnen. Die vorhandenen Bänke bleiben, bis sie ersetzt werden müssen." },
  { statements: [6, 7], decision: "accepted", text: "Zur Lindenstraße hin wird ein 1,20 m hoher Zaun mit selbstschließendem Tor gebaut." },
  { statements: [8, 9], decision: "partly_accepted", text: "Das neue Klettergerüst ist über eine Rampe erreichbar und eine Nestschaukel kommt hinzu. Ein ebenerdiges Karussell passt nicht in den Haushalt 2027." },
  { statements: [10, 11], decision: "not_accepted", text: "Eine Toilette ist am Lindenpark nicht möglich: Es gibt keinen Abwasseranschluss. Die nächste öffentliche Toilette ist am Markt (200 m)." },
  { statements: [12, 13], decision: "partly_accepted", text: "Ein Bolzplatz kommt nicht an den Wohnhäusern, sondern an der Südseite hinter der Hecke, mit Ballfangzaun." },
  { statements: [14, 15], decision: "noted", text: "Die Reinigung ist Aufgabe des Betriebshofs; wir haben die Hinweise weitergegeben. Zwei zusätzliche Mülleimer werden aufgestellt." },
  { statements: [16], decision: "accepted", text: "Der Weg bekommt sechs neue LED-Leuchten." },
  { statements: [17], decision: "not_accepted", text: "Ein Trinkbrunnen ist ohne Abwasseranschluss nicht möglich (siehe Toilette)." },
  { statements: [18], decision: "noted", text: "Die Rutsche und das Spielhaus aus Holz bleiben erhalten und werden instand gesetzt." },
  { statements: [19], decision: "noted", text: "Der Beitrag wurde wegen beleidigender Sprache nicht veröffentlicht. Die Kosten des Umbaus stehen im Haushaltsplan 2027." },
];

const SUMMARY =
  "Zum Umbau des Spielplatzes am Lindenpark kamen 20 Stellungnahmen online, per Telefon, auf Papier, per Brief und im Bürgerbüro.\n\n" +
  "**Was umgesetzt wird:** eine Wasser- und Matschanlage, ein Sonnensegel und neue Bäume, ein Zaun zur Lindenstraße, eine Rampe zum Klettergerüst, eine Nestschaukel, " +
  "Bänke mit Lehnen, neue Beleuchtung und ein Bolzplatz an der Südseite.\n\n" +
  "**Was nicht möglich ist:** eine Toilette und ein Trinkbrunnen, weil es keinen Abwasseranschluss gibt.\n\n" +
  "Der Rat hat die Abwägung am 12. November beschlossen. Der Umbau beginnt im Frühjahr.";

/** Adds the concluded demo procedure when the demo municipality does not have it yet. */
export async function seedDemoConcludedProcedure(db: Kysely<Database>, now: Date = new Date()): Promise<boolean> {
  const org = await db.selectFrom("organisations").select("id").where("slug", "=", "musterstadt").executeTakeFirst();
  if (!org) return false;
  if (await db.selectFrom("procedures").select("id").where("organisation_id", "=", org.id).where("slug", "=", DEMO_CONCLUDED_SLUG).executeTakeFirst()) return false;
  const moderator = await db
    .selectFrom("accounts")
    .innerJoin("account_roles", "account_roles.account_id", "accounts.id")
    .select("accounts.id")
    .where("accounts.organisation_id", "=", org.id)
    .where("account_roles.role", "=", "moderator")
    .orderBy("accounts.id")
    .executeTakeFirst();
  if (!moderator) return false;
  const iso = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
  const procedureId = await db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto("procedures")
      .values({
        organisation_id: org.id,
        slug: DEMO_CONCLUDED_SLUG,
        title: "Spielplatz am Lindenpark – Umbau",
        summary: "Wie soll der Spielplatz am Lindenpark werden? Die Beteiligung ist abgeschlossen, die Ergebnisse und die Abwägung sind veröffentlicht.",
        body: "Der Spielplatz am Lindenpark wird 2027 umgebaut. Wir haben gefragt, was Kindern, Eltern und Nachbarn wichtig ist. Vielen Dank für alle Stellungnahmen.",
        kind: "consultation",
        legal_basis: `${LEGAL_BASES.publicTask} in Verbindung mit § 3 Niedersächsisches Datenschutzgesetz`,
        responsible_office: "Fachbereich Grünflächen",
        opens_at: iso(-120),
        closes_at: iso(-60),
        status: "closed",
        retention_months: 6,
        publication_policy: "Stellungnahmen werden ohne Namen und Kontaktdaten veröffentlicht.",
        notice_version: "2026-07-01",
        contact_name: "optional",
        contact_name_purpose: "damit wir Sie in der Antwort persönlich ansprechen können",
        contact_address: "optional",
        contact_address_purpose: "damit wir Ihnen die Antwort per Post schicken können",
        contact_email: "optional",
        contact_email_purpose: "damit wir Ihnen die Antwort per E-Mail schicken können",
        contact_phone: "off",
        contact_phone_purpose: "",
        created_at: iso(-130),
        updated_at: iso(-60),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("questions")
      .values([
        { procedure_id: id, position: 1, kind: "long_text", label: "Ihre Stellungnahme zum Umbau", hint: "Was fehlt, was soll bleiben?", required: 1, max_length: 3000, options_json: "[]" },
        {
          procedure_id: id,
          position: 2,
          kind: "single_choice",
          label: "Wie oft sind Sie am Lindenpark?",
          hint: "",
          required: 0,
          max_length: null,
          options_json: JSON.stringify([
            { value: "daily", label: "Fast jeden Tag" },
            { value: "weekly", label: "Ein- bis zweimal in der Woche" },
            { value: "rarely", label: "Seltener" },
          ]),
        },
      ])
      .execute();
    return id;
  });
  const procedure = await procedureForModeration(db, org.id, procedureId);
  const [statementQuestion, visitsQuestion] = procedure.questions;
  const ids: number[] = [];
  for (const [i, s] of STATEMENTS.entries()) {
    const at = new Date(now.getTime() - (110 - i * 2.5) * DAY);
    const created = await db.transaction().execute((trx) =>
      createSubmission(trx, {
        procedure,
        input: { answers: [{ questionId: statementQuestion.id, values: [s.text] }, { questionId: visitsQuestion.id, values: [s.visits] }], contact: s.contact ?? {} },
        channel: s.channel,
        language: "de",
        idempotencyKey: `demo-${DEMO_CONCLUDED_SLUG}-${i}`,
        enteredByAccountId: s.channel === "online" ? null : moderator.id,
        receivedOn: s.channel === "paper" || s.channel === "letter" ? at.toISOString().slice(0, 10) : null,
        now: at,
      }),
    );
    ids.push(created.submissionId);
  }
  const moderatedAt = new Date(now.getTime() - 50 * DAY);
  for (const [i, id] of ids.entries()) {
    if (STATEMENTS[i].text.includes("Idioten")) {
      await doNotPublish(db, { organisationId: org.id, submissionId: id, moderatorId: moderator.id, reason: "insult", now: moderatedAt });
      continue;
    }
    const answer = await db.selectFrom("answers").select("id").where("submission_id", "=", id).where("question_id", "=", statementQuestion.id).executeTakeFirstOrThrow();
    const suggestion = suggestRedaction(STATEMENTS[i].text);
    const redactions = suggestion.findings.length ? new Map([[answer.id, suggestion.redacted]]) : new Map<number, string>();
    await publishSubmission(db, { organisationId: org.id, submissionId: id, moderatorId: moderator.id, redactions, confirmedChecked: true, now: moderatedAt });
  }
  const consideredAt = new Date(now.getTime() - 40 * DAY);
  for (const c of CONSIDERATIONS) {
    await recordConsideration(db, { organisationId: org.id, procedureId, submissionIds: c.statements.map((i) => ids[i]), moderatorId: moderator.id, decision: c.decision, text: c.text, now: consideredAt });
  }
  const result = await publishResults(db, { organisationId: org.id, procedureId, moderatorId: moderator.id, summary: SUMMARY, now: new Date(now.getTime() - 30 * DAY) });
  if (!result.ok) throw new Error("the demo's results could not be published");
  return true;
}
