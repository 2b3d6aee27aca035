/**
 * Result letters: for residents who consented to be notified of the result and left a postal
 * address but no e-mail address (or whose e-mail finally failed), the municipality prints one
 * document with all letters. Creating it opens each name and address through openContactDetails
 * — recorded in each submission's privacy log with the moderator's account — so it is a
 * deliberate step (a POST), never a page view. The text is the same as the e-mail's.
 */
import type { Kysely, Transaction } from "kysely";
import { inTransaction } from "#db/connection.server";
import type { Database } from "#db/schema";
import { CONSENT_LEGAL_BASIS } from "~/modules/privacy-log/events";
import { openContactDetails } from "~/modules/privacy/contact-data.server";
import { notificationContext, resultNotificationFor } from "./outbox.server";

type Db = Kysely<Database> | Transaction<Database>;

/** Results must be out before residents are told about them. */
const PUBLISHED = ["results_published", "archived"];

export interface ResultLetter {
  submissionId: number;
  name: string | null;
  /** as the resident wrote it, one line per address line */
  address: string;
  /** the address window's lines: the name (unless the address already names them), then the address */
  recipient: string[];
  subject: string;
  body: string;
}

/** Address lines as written; "Hauptstr. 1, 31134 Musterstadt" on one line becomes two. */
const addressLines = (address: string) =>
  address
    .split(/\n|,\s*(?=\d{5}\b)/)
    .map((l) => l.trim())
    .filter(Boolean);

const comparable = (s: string) => s.normalize("NFC").toLocaleLowerCase("de").replace(/\s+/g, " ").trim();

/**
 * The lines of the address window. Residents often write their name into the address field too
 * ("Paula Papier, Lindenweg 5, …"): a line that already contains the name stands for it, so the
 * name is not printed twice.
 */
export function recipientLines(name: string | null, address: string): string[] {
  // "Paula Papier, Lindenweg 5" on one line: the name gets a line of its own
  const lines = addressLines(address).flatMap((l) => {
    const comma = l.indexOf(",");
    return comma > 0 && name && comparable(l.slice(0, comma)).includes(comparable(name)) ? [l.slice(0, comma).trim(), l.slice(comma + 1).trim()].filter(Boolean) : [l];
  });
  const named = name?.trim() ? comparable(name) : "";
  if (!named || lines.some((l) => comparable(l).includes(named))) return lines;
  return [name!.trim(), ...lines];
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
  return inTransaction(db, async (trx) => {
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
      const { subject, body } = resultNotificationFor(context, r, args.resultsUrl);
      const address = opened.contact.address.replace(/\r\n?/g, "\n").trim();
      letters.push({ submissionId: r.id, name: opened.contact.name ?? null, address, recipient: recipientLines(opened.contact.name ?? null, address), subject, body });
    }
    return {
      published: true as const,
      sender: { organisation: context.organisationName, office: context.responsible_office, address: context.organisationAddress },
      letters,
    };
  });
}
