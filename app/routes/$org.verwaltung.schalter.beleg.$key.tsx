/** After saving at the desk: the receipt code, large and spelled out, and a slip to print. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { formatDate, formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { readDeskReceipt } from "~/modules/assisted-entry/desk.server";
import { spellDin5009 } from "~/modules/assisted-entry/spelling";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { formatReceiptCode } from "~/modules/submissions/receipt-code";

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
      lookupUrl: `${origin}/${user.organisationSlug}/beitrag`,
      base: `/${user.organisationSlug}/verwaltung/schalter`,
    };
  });
}

export default function DeskReceipt() {
  const { code, spelled, receipt, lookupUrl, base } = useLoaderData<typeof loader>();
  const { t } = useTranslation("desk");
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
      <p className="no-print">{t("receipt.print")}</p>
      <section className="slip" aria-labelledby="slip-heading" lang="de">
        <h2 id="slip-heading">Eingangsbestätigung</h2>
        {/* post: the one date of receipt is the day it arrived; when it was typed in stays apart, labelled */}
        <p>
          Ihr Beitrag zum Verfahren „{receipt.procedure.title}“ ist am {receipt.receivedOn ? formatDate(receipt.receivedOn, "de") : formatDateTime(receipt.createdAt, "de")}{" "}
          eingegangen.
        </p>
        {receipt.sourceReference ? <p>Formular- bzw. Briefnummer: {receipt.sourceReference}</p> : null}
        {receipt.receivedOn ? <p>Von der Verwaltung erfasst am {formatDateTime(receipt.createdAt, "de")}.</p> : null}
        <p className="slip__code">
          Eingangscode: <strong>{code}</strong>
        </p>
        <p>
          Mit diesem Code sehen Sie jederzeit, was mit Ihrem Beitrag und Ihren Daten geschieht: online unter {lookupUrl} oder am Telefon unter der Behördennummer 115.
        </p>
      </section>
      <p className="no-print">
        <a href={base}>{t("receipt.backToDesk")}</a>
      </p>
    </>
  );
}
