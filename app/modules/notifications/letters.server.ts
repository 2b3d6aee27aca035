/**
 * Result letters: for residents who consented to be notified of the result and left a postal
 * address but no e-mail address (or whose e-mail finally failed), the municipality prints one
 * document with all letters. Creating it opens each name and address through openContactDetails
 * — recorded in each submission's privacy log with the moderator's account — so it is a
 * deliberate step (a POST), never a page view. The text is the same as the e-mail's.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "#db/schema";
import { CONSENT_LEGAL_BASIS } from "~/modules/privacy-log/events";
import { openContactDetails } from "~/modules/privacy/contact-data.server";
import { notificationContext, privacyLogUrlFor, resultNotificationText } from "./outbox.server";

type Db = Kysely<Database> | Transaction<Database>;

/** Results must be out before residents are told about them. */
const PUBLISHED = ["results_published", "archived"];

export interface ResultLetter {
  submissionId: number;
  name: string | null;
  /** as the resident wrote it, one line per address line */
  address: string;
  subject: string;
  body: string;
}

export type ResultLetters =
  | { published: false }
  | { published: true; sender: { organisation: string; office: string; address: string }; letters: ResultLetter[] };

/**
 * Who gets a letter: consented, not withdrawn, a postal address held — and no e-mail address, or
 * an e-mail that was given up on. Read from which columns are filled, without decrypting anything.
 */
function letterRecipients(db: Db, organisationId: number, procedureId: number) {
  return db
    .selectFrom("submissions")
    .innerJoin("contact_details", "contact_details.submission_id", "submissions.id")
    .leftJoin("responses", "responses.id", "submissions.response_id")
    .where("submissions.organisation_id", "=", organisationId)
    .where("submissions.procedure_id", "=", procedureId)
    .where("submissions.consent_results_notification", "=", 1)
    .where("submissions.withdrawn_at", "is", null)
    .where("submissions.state", "!=", "withdrawn")
    .where("contact_details.postal_address", "is not", null)
    .where(({ or, eb, exists, selectFrom }) =>
      or([
        eb("contact_details.email", "is", null),
        exists(
          selectFrom("outbox")
            .select("outbox.id")
            .whereRef("outbox.submission_id", "=", "submissions.id")
            .where("outbox.kind", "=", "result_email")
            .where("outbox.state", "=", "failed")
            .where("outbox.next_attempt_at", "is", null),
        ),
      ]),
    );
}

/** How many letters there are to create, and whether results are out: nothing is opened. */
export async function resultLettersOverview(db: Db, organisationId: number, procedureId: number) {
  const context = await notificationContext(db, organisationId, procedureId);
  const row = await letterRecipients(db, organisationId, procedureId)
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return { title: context.title, published: PUBLISHED.includes(context.status), count: Number(row.n) };
}

/**
 * Open the names and addresses of every letter recipient (each read recorded in that submission's
 * privacy log, by the moderator, for the results notification) and return the letters, oldest
 * submission first. All reads commit together. resultsUrl is the results page's absolute URL.
 */
export async function resultLetters(
  db: Kysely<Database>,
  organisationId: number,
  procedureId: number,
  args: { accountId: number; resultsUrl: string; now?: Date },
): Promise<ResultLetters> {
  const now = args.now ?? new Date();
  const origin = new URL(args.resultsUrl).origin;
  return db.transaction().execute(async (trx) => {
    const context = await notificationContext(trx, organisationId, procedureId);
    if (!PUBLISHED.includes(context.status)) return { published: false as const };
    const recipients = await letterRecipients(trx, organisationId, procedureId)
      .select(["submissions.id", "contact_details.delete_after", "responses.decision", "responses.text"])
      .orderBy("submissions.id")
      .execute();
    const letters: ResultLetter[] = [];
    for (const r of recipients) {
      const opened = await openContactDetails(
        trx,
        { organisationId, submissionId: r.id },
        { role: "moderator", accountId: args.accountId },
        { purpose: "results_notification", legalBasis: CONSENT_LEGAL_BASIS },
        now,
      );
      if (!opened?.contact.address) continue;
      const { subject, body } = resultNotificationText({
        organisationName: context.organisationName,
        responsibleOffice: context.responsible_office,
        procedureTitle: context.title,
        resultsUrl: args.resultsUrl,
        privacyLogUrl: privacyLogUrlFor(origin, context.organisationSlug),
        response: r.decision && r.text !== null ? { decision: r.decision, text: r.text } : null,
        deleteAfter: r.delete_after,
      });
      letters.push({ submissionId: r.id, name: opened.contact.name ?? null, address: opened.contact.address.replace(/\r\n?/g, "\n").trim(), subject, body });
    }
    return {
      published: true as const,
      sender: { organisation: context.organisationName, office: context.responsible_office, address: context.organisationAddress },
      letters,
    };
  });
}
