/**
 * After saving at the desk: the receipt code, large and spelled out, and a slip to print. Post with
 * a postal address can have the slip as a letter for a window envelope (DIN 5008 form B: letterhead,
 * return line and address in the window) — opening the address is a POST, recorded in the
 * submission's privacy log and in the audit log.
 */
import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDate, formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { LetterAddress } from "~/modules/notifications/ui/LetterAddress";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { readDeskReceipt, type DeskReceipt } from "~/modules/assisted-entry/desk.server";
import { openReceiptLetterAddressAs } from "~/modules/assisted-entry/desk-actions.server";
import { spellDin5009 } from "~/modules/assisted-entry/spelling";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { formatReceiptCode } from "~/modules/submissions/receipt-code";
import { placeOfStatement } from "~/modules/places/form.server";
import type { ShownPlace } from "~/modules/places/place";
import letterStylesheet from "~/styles/letters.css";
import receiptLetterStylesheet from "~/styles/receipt-letter.css";

// stylesheet files, not <style> elements: the Content-Security-Policy allows only our own files
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: letterStylesheet },
  { rel: "stylesheet", href: receiptLetterStylesheet },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["staff"]);
    const receipt = await readDeskReceipt(getDb(), user.organisationId, params.key ?? "");
    if (!receipt) throw new HttpError(404, "not_found");
    const { t } = await getT(request, "desk");
    const code = formatReceiptCode(receipt.receiptCode);
    const origin = process.env.PUBLIC_ORIGIN ?? new URL(request.url).origin;
    return {
      pageTitle: t("receipt.title"),
      code,
      spelled: spellDin5009(code),
      receipt,
      csrfToken: user.csrfToken,
      lookupUrl: `${origin}/${user.organisationSlug}/beitrag`,
      base: `/${user.organisationSlug}/verwaltung/schalter`,
      // the place as the clerk entered it (issue 18), on the slip the caller keeps
      place: await placeOfStatement(getDb(), receipt.procedure.id, `/${user.organisationSlug}/verfahren/${receipt.procedure.slug}`, receipt.submissionId).then((p) =>
        p && (p.description || p.cell) ? p : null,
      ),
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["staff"]);
    if (fields.size > 0) throw new HttpError(400, "unknown_field");
    const db = getDb();
    const receipt = await readDeskReceipt(db, user.organisationId, params.key ?? "");
    if (!receipt) throw new HttpError(404, "not_found");
    const now = new Date();
    const opened = await openReceiptLetterAddressAs(db, { organisationId: user.organisationId, accountId: user.id, clientAddress: context?.clientAddress }, receipt.submissionId, now);
    if (!opened) return data({ letter: null }, { status: 409 });
    return { letter: { lines: opened.lines, date: now.toISOString() } };
  });
}

/** The slip's German text, the same on the plain slip and in the letter. */
function SlipText({ receipt, code, lookupUrl, place }: { receipt: DeskReceipt; code: string; lookupUrl: string; place: ShownPlace | null }) {
  return (
    <>
      {/* post: the one date of receipt is the day it arrived; when it was typed in stays apart, labelled */}
      <p>
        Ihr Beitrag zum Verfahren „{receipt.procedure.title}“ ist am {receipt.receivedOn ? formatDate(receipt.receivedOn, "de") : formatDateTime(receipt.createdAt, "de")}{" "}
        eingegangen.
      </p>
      {receipt.sourceReference ? <p>Formular- bzw. Briefnummer: {receipt.sourceReference}</p> : null}
      {receipt.receivedOn ? <p>Von der Verwaltung erfasst am {formatDateTime(receipt.createdAt, "de")}.</p> : null}
      {place ? <SlipPlace place={place} /> : null}
      <p className="slip__code">
        Eingangscode: <strong>{code}</strong>
      </p>
      <p>
        Mit diesem Code sehen Sie jederzeit, was mit Ihrem Beitrag und Ihren Daten geschieht: online unter {lookupUrl} oder am Telefon unter der Behördennummer 115.
      </p>
    </>
  );
}

/** The place the statement is about, as entered: words, the grid cell, a small picture of a point. */
function SlipPlace({ place }: { place: ShownPlace }) {
  const parts = [place.description ? `„${place.description}“` : null, place.cell ? `Feld ${place.cell} des Rasters auf dem Plan` : null].filter(Boolean);
  return (
    <>
      <p>Ort, um den es geht: {parts.join(", ")}</p>
      {place.pictureSrc ? <img className="place-crop" src={place.pictureSrc} width={288} height={192} alt={`Ausschnitt des Plans mit dem Punkt in Feld ${place.cell}`} /> : null}
    </>
  );
}

/** The slip as a letter: letterhead, DIN 5008 address field (return line, recipient), date, subject. */
function ReceiptLetter({ receipt, code, lookupUrl, letter, place }: { receipt: DeskReceipt; code: string; lookupUrl: string; letter: { lines: string[]; date: string }; place: ShownPlace | null }) {
  const { sender } = receipt;
  const senderLines = sender.address.split(/\s*\n\s*/).filter(Boolean);
  return (
    <article className="slip letter receipt-letter" aria-labelledby="slip-heading" lang="de">
      <header className="letter__head">
        <p className="letter__org">{sender.organisation}</p>
        <p>
          {sender.office}
          {senderLines.map((l, i) => (
            <span key={i}>
              <br />
              {l}
            </span>
          ))}
        </p>
      </header>
      <LetterAddress organisation={sender.organisation} office={sender.office} returnAddress={senderLines.join(", ")} recipient={letter.lines} date={formatDate(letter.date, "de")} />
      <h2 id="slip-heading" className="letter__subject">
        Eingangsbestätigung
      </h2>
      <p>Guten Tag,</p>
      <SlipText receipt={receipt} code={code} lookupUrl={lookupUrl} place={place} />
      <p>
        Mit freundlichen Grüßen
        <br />
        {sender.office}
      </p>
    </article>
  );
}

export default function DeskReceiptPage() {
  const { code, spelled, receipt, lookupUrl, base, csrfToken, place } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(["desk", "attachments-staff"]);
  const letter = actionData?.letter ?? null;
  return (
    <>
      <div className="panel no-print">
        <h1 className="panel__title">{t("receipt.title")}</h1>
        <p className="panel__body">{t("receipt.codeLabel")}</p>
        <p className="receipt-code">
          <strong>{code}</strong>
        </p>
      </div>
      <section className="no-print" aria-labelledby="spell-heading">
        <h2 id="spell-heading">{t("receipt.spellHeading")}</h2>
        <ol className="spelling" lang="de">
          {spelled.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ol>
      </section>
      <p className="no-print">
        <a className="button" href={`${base}/${receipt.procedure.id}/${receipt.channel}`}>
          {t("receipt.next")}
        </a>
      </p>
      {receipt.channel === "paper" || receipt.channel === "letter" ? (
        <p className="no-print">
          <a href={`${base}/eintrag/${receipt.submissionId}/scan`}>{t("attachments-staff:desk.heading")}</a>
        </p>
      ) : null}
      {receipt.hasPostalAddress && !letter ? (
        <form method="post" className="form no-print">
          <CsrfField token={csrfToken} />
          <p>{t("receipt.letterIntro")}</p>
          <Button>{t("receipt.letterButton")}</Button>
        </form>
      ) : null}
      {actionData && !letter ? (
        <div className="notice no-print" role="status">
          <p>{t("receipt.letterNoAddress")}</p>
        </div>
      ) : null}
      <p className="no-print">{letter ? t("receipt.printLetter") : t("receipt.print")}</p>
      {letter ? (
        <ReceiptLetter receipt={receipt} code={code} lookupUrl={lookupUrl} letter={letter} place={place} />
      ) : (
        <section className="slip" aria-labelledby="slip-heading" lang="de">
          <h2 id="slip-heading">Eingangsbestätigung</h2>
          <SlipText receipt={receipt} code={code} lookupUrl={lookupUrl} place={place} />
        </section>
      )}
      <p className="no-print">
        <a href={base}>{t("receipt.backToDesk")}</a>
      </p>
    </>
  );
}
