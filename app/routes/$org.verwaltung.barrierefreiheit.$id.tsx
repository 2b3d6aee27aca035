/**
 * Admins: one barrier report — what, where, when, due when; the contact data masked until an admin
 * chooses to see them (audited); the answer (sent by e-mail when an address was left, otherwise
 * for a call back) and closing.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Paragraphs } from "~/components/Paragraphs";
import { Button, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDate, formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { getBarrierReport } from "~/modules/accessibility/accessibility.server";
import { answerBarrierReportAs, closeBarrierReportAs, revealBarrierContact } from "~/modules/accessibility/admin-actions.server";
import { REPORT_LIMITS, ageInDays, checkText } from "~/modules/accessibility/reports";
import { codePointLength, normaliseText } from "~/modules/forms/fields";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";

const reportId = (raw: string | undefined) => {
  const id = Number(raw);
  if (!/^\d{1,12}$/.test(raw ?? "") || !Number.isSafeInteger(id)) throw new HttpError(404, "not_found");
  return id;
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const report = await getBarrierReport(getDb(), user.organisationId, reportId(params.id));
    const { t } = await getT(request, "barriers");
    return {
      pageTitle: t("report.title", { reference: report.reference }),
      report,
      age: ageInDays(report.receivedAt, new Date()),
      csrfToken: user.csrfToken,
      base: `/${user.organisationSlug}/verwaltung/barrierefreiheit`,
      notice: new URL(request.url).searchParams.get("hinweis"),
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const id = reportId(params.id);
    const db = getDb();
    for (const [name, list] of fields) {
      if (!["intent", "answer"].includes(name)) throw new HttpError(400, "unknown_field");
      if (list.length > 1) throw new HttpError(400, "repeated_field");
    }
    const intent = fields.get("intent")?.[0];
    const self = `/${user.organisationSlug}/verwaltung/barrierefreiheit/${id}`;
    const admin = { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress as string | undefined };
    if (intent === "reveal") {
      return data({ revealed: await revealBarrierContact(db, admin, id), errors: [], answer: "" });
    }
    if (intent === "answer") {
      const answer = normaliseText(fields.get("answer")?.[0] ?? "");
      const problem = checkText(answer, { max: REPORT_LIMITS.answer, required: true, multiline: true });
      if (problem) {
        return data(
          { revealed: null, answer, errors: [{ field: "answer", message: problem.replace("form.errors.", "report.errors."), params: { max: REPORT_LIMITS.answer, length: codePointLength(answer) } }] },
          { status: 400 },
        );
      }
      const result = await answerBarrierReportAs(db, admin, id, answer);
      if (!result.ok) return data({ revealed: null, answer, errors: [{ field: "answer", message: "report.errors.closed", params: {} }] }, { status: 409 });
      return redirect(`${self}?hinweis=${result.mailQueued ? "answeredMail" : "answered"}`, 303);
    }
    if (intent === "close") {
      await closeBarrierReportAs(db, admin, id);
      return redirect(`${self}?hinweis=closed`, 303);
    }
    throw new HttpError(400, "unknown_field");
  });
}

export default function BarrierReport() {
  const { report, age, csrfToken, base, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation("barriers");
  const lng = i18n.language;
  const errors = actionData?.errors ?? [];
  const contact = actionData?.revealed ?? report.contact;
  const hasContact = Boolean(report.contact.email || report.contact.phone);
  return (
    <>
      <p>
        <a href={base}>{t("report.back")}</a>
      </p>
      <h1>{t("report.title", { reference: report.reference })}</h1>
      {notice && ["answered", "answeredMail", "closed"].includes(notice) && !actionData ? (
        <div className="notice notice--success" role="status">
          <p>{t(`report.notices.${notice}`)}</p>
        </div>
      ) : null}
      <dl className="summary">
        <div className="summary__row">
          <dt className="summary__key">{t("report.status")}</dt>
          <dd className="summary__value">{report.overdue ? <strong>{t("status.overdue")}</strong> : t(`status.${report.status}`)}</dd>
        </div>
        <div className="summary__row">
          <dt className="summary__key">{t("report.received")}</dt>
          <dd className="summary__value">
            {formatDateTime(report.receivedAt, lng)} ({t("list.days", { count: age })})
          </dd>
        </div>
        <div className="summary__row">
          <dt className="summary__key">{t("report.due")}</dt>
          <dd className="summary__value">{formatDate(report.dueAt, lng)}</dd>
        </div>
        <div className="summary__row">
          <dt className="summary__key">{t("report.page")}</dt>
          <dd className="summary__value" lang={report.language}>
            {report.page}
          </dd>
        </div>
        <div className="summary__row">
          <dt className="summary__key">{t("report.description")}</dt>
          <dd className="summary__value">
            <Paragraphs text={report.description} lang={report.language} />
          </dd>
        </div>
        <div className="summary__row">
          <dt className="summary__key">{t("report.language")}</dt>
          <dd className="summary__value">{report.language}</dd>
        </div>
        <div className="summary__row">
          <dt className="summary__key">{t("report.contact")}</dt>
          <dd className="summary__value">
            {report.contactDeletedAt ? (
              t("report.contactDeleted", { date: formatDate(report.contactDeletedAt, lng) })
            ) : hasContact ? (
              <>
                {contact.email ? <p>{t("report.email", { value: contact.email })}</p> : null}
                {contact.phone ? <p>{t("report.phone", { value: contact.phone })}</p> : null}
                {report.contactDeleteAfter ? <p className="hint">{t("report.contactDeleteAfter", { date: formatDate(report.contactDeleteAfter, lng) })}</p> : null}
              </>
            ) : (
              t("report.noContact")
            )}
          </dd>
        </div>
      </dl>
      {hasContact && !actionData?.revealed && !report.contactDeletedAt ? (
        <form method="post" className="form">
          <CsrfField token={csrfToken} />
          <input type="hidden" name="intent" value="reveal" />
          <p className="hint">{t("report.revealHint")}</p>
          <Button secondary>{t("report.reveal")}</Button>
        </form>
      ) : null}

      <h2>{t("report.answerHeading")}</h2>
      {report.answerText ? (
        <>
          <p>{t("report.answeredAt", { date: formatDateTime(report.answeredAt!, lng) })}</p>
          <Paragraphs text={report.answerText} />
          <p className="hint">{t(`report.mail.${report.mailState}`)}</p>
        </>
      ) : (
        <p>{t("report.notAnswered")}</p>
      )}
      {report.status !== "closed" ? (
        <>
          <form method="post" noValidate className="form">
            <ErrorSummary errors={errors} namespace="barriers" />
            <CsrfField token={csrfToken} />
            <input type="hidden" name="intent" value="answer" />
            <TextField
              name="answer"
              label={report.answerText ? t("report.answerAgainLabel") : t("report.answerLabel")}
              hint={report.contact.email ? t("report.answerHintMail") : t("report.answerHintNoMail")}
              value={actionData?.answer ?? ""}
              maxLength={REPORT_LIMITS.answer}
              error={errors[0] ? t(errors[0].message, errors[0].params) : undefined}
              multiline
              required
            />
            <Button>{t("report.answerSubmit")}</Button>
          </form>
          <h2>{t("report.closeHeading")}</h2>
          <form method="post" className="form">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="intent" value="close" />
            <p>{t("report.closeHint")}</p>
            <Button secondary>{t("report.closeSubmit")}</Button>
          </form>
        </>
      ) : (
        <p>{t("report.closedAt", { date: formatDateTime(report.closedAt!, lng) })}</p>
      )}
    </>
  );
}
