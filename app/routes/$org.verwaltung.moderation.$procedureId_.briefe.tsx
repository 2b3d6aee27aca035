/**
 * Result letters as one print document: one letter per page, the address in the window of a DL
 * envelope (DIN 5008, form B). Visiting only counts the letters; the names and addresses are
 * opened by a deliberate POST ("Briefe erstellen"), recorded in each submission's privacy log and
 * in the audit log. The letters are in German whatever the staff member's language.
 */
import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { Button } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDate } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { LetterAddress } from "~/modules/notifications/ui/LetterAddress";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { resultLettersAs } from "~/modules/moderation/moderator-actions.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { procedureForModeration } from "~/modules/moderation/moderation.server";
import { resultLettersOverview, type ResultLetter } from "~/modules/notifications/letters.server";
import { NOTIFICATION_LANGUAGE, resultsUrlFor } from "~/modules/notifications/outbox.server";
import letterStylesheet from "~/styles/letters.css";

// a stylesheet file, not a <style> element: the Content-Security-Policy allows only our own files
export const links: LinksFunction = () => [{ rel: "stylesheet", href: letterStylesheet }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, params.procedureId);
    const overview = await resultLettersOverview(db, user.organisationId, procedure.id);
    const { t } = await getT(request, "moderation");
    return {
      pageTitle: t("letters.title", { title: procedure.title }),
      csrfToken: user.csrfToken,
      procedure: { id: procedure.id, title: procedure.title },
      published: overview.published,
      count: overview.count,
      base: `/${user.organisationSlug}/verwaltung/moderation`,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, MODERATION_ROLES);
    if (fields.size > 0) throw new HttpError(400, "unknown_field");
    const db = getDb();
    const procedure = await procedureForModeration(db, user.organisationId, params.procedureId);
    const origin = process.env.PUBLIC_ORIGIN?.trim().replace(/\/+$/, "") || new URL(request.url).origin;
    const now = new Date();
    const result = await resultLettersAs(db, { organisationId: user.organisationId, accountId: user.id, clientAddress: context?.clientAddress }, {
      procedureId: procedure.id,
      resultsUrl: resultsUrlFor(origin, user.organisationSlug, procedure.slug),
      now,
    });
    if (!result.published) return data({ notPublished: true as const, document: null }, { status: 409 });
    return { notPublished: false as const, document: { date: now.toISOString(), sender: result.sender, letters: result.letters } };
  });
}

function Letter({ letter, n, total, date, sender }: { letter: ResultLetter; n: number; total: number; date: string; sender: { organisation: string; office: string; address: string } }) {
  const { t } = useTranslation("moderation");
  const headingId = `letter-${letter.submissionId}`;
  return (
    <article className="letter" aria-labelledby={headingId}>
      <h2 id={headingId} className="visually-hidden">
        {t("letters.letterOf", { n, total })}
      </h2>
      <div lang={NOTIFICATION_LANGUAGE}>
        <LetterAddress
          organisation={sender.organisation}
          office={sender.office}
          returnAddress={sender.address.replace(/\s*\n\s*/g, ", ")}
          recipient={letter.recipient}
          date={formatDate(date, NOTIFICATION_LANGUAGE)}
        />
        <p className="letter__subject">{letter.subject}</p>
        {letter.body.split("\n\n").map((paragraph, i) => (
          <p key={i}>
            {paragraph.split("\n").map((line, j) => (
              <span key={j}>
                {j > 0 ? <br /> : null}
                {line}
              </span>
            ))}
          </p>
        ))}
      </div>
    </article>
  );
}

export default function ResultLetters() {
  const { procedure, published, count, csrfToken, base } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("moderation");
  const document = actionData?.document ?? null;
  const notPublished = !published || actionData?.notPublished;
  return (
    <>
      <div className="no-print">
        <p className="caption" lang="de">
          <a href={`${base}/${procedure.id}`}>{procedure.title}</a>
        </p>
        <h1>{t("letters.heading")}</h1>
        <p>{t("letters.intro")}</p>
        {notPublished ? (
          <div className="notice" role="status">
            <p>{t("letters.notPublished")}</p>
          </div>
        ) : document ? (
          <div className="notice notice--success" role="status">
            <p>{document.letters.length ? t("letters.created", { count: document.letters.length }) : t("letters.none")}</p>
          </div>
        ) : count === 0 ? (
          <p>{t("letters.none")}</p>
        ) : (
          <form method="post">
            <CsrfField token={csrfToken} />
            <p>{t("letters.recipients", { count })}</p>
            <p className="hint">{t("letters.openHint")}</p>
            <Button>{t("letters.create")}</Button>
          </form>
        )}
        <p>
          <a href={`${base}/${procedure.id}`}>{t("letters.back")}</a>
        </p>
      </div>
      {document
        ? document.letters.map((letter, i) => (
            <Letter key={letter.submissionId} letter={letter} n={i + 1} total={document.letters.length} date={document.date} sender={document.sender} />
          ))
        : null}
    </>
  );
}
