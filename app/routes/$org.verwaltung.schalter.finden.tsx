/**
 * A caller who lost the receipt code: find the submission by the day it came in, the channel and
 * words from the statement — never by contact data. Each submission listed is recorded in its
 * privacy log, the search in the audit log; opening one (eintrag) is recorded again.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { formatDate, formatDateTime } from "~/i18n/format";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { SEARCH_CHANNELS, SEARCH_WORDS_MAX, findWithoutCode, readSearch, searchableProcedures, type SearchOutcome } from "~/modules/assisted-entry/search.server";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";

async function page(request: Request, params: Record<string, string | undefined>) {
  const user = await requireStaff(request, params, ["staff"]);
  const { t } = await getT(request, "desk");
  const procedures = await searchableProcedures(getDb(), user.organisationId);
  return { pageTitle: t("find.title"), csrfToken: user.csrfToken, procedures, base: `/${user.organisationSlug}/verwaltung/schalter` };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(() => page(request, params));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, ["staff"]);
    for (const [name, v] of fields) if (!["procedure", "channel", "from", "to", "words"].includes(name) || v.length > 1) throw new HttpError(400, "unknown_field");
    const { query, errors, values } = readSearch(fields);
    if (!query) return data({ errors, values, outcome: null as SearchOutcome | null }, { status: 400 });
    const db = getDb();
    // the submissions listed are recorded in their privacy logs, the search in the audit log (one transaction)
    const outcome = await findWithoutCode(db, { organisationId: user.organisationId, accountId: user.id, query, clientAddress: context?.clientAddress });
    if (outcome.kind === "no_procedure") {
      return data({ errors: [{ field: "procedure", message: "desk:find.errors.procedure" }] as FieldError[], values, outcome: null }, { status: 400 });
    }
    return { errors: [] as FieldError[], values, outcome };
  });
}

export default function FindWithoutCode() {
  const { csrfToken, procedures, base } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation(["desk", "staff"]);
  const errors = actionData?.errors ?? [];
  const values: Record<string, string> = actionData?.values ?? {};
  const errorFor = errorMessageFor(errors, t);
  const outcome = actionData?.outcome ?? null;
  return (
    <>
      <h1>{t("find.title")}</h1>
      <p>{t("find.intro")}</p>
      <form method="post" action={`${base}/finden`} noValidate className="form">
        <CsrfField token={csrfToken} />
        <ErrorSummary errors={errors} namespace="desk" />
        <ChoiceField
          name="procedure"
          type="radio"
          label={t("find.procedure")}
          items={procedures.map((p) => ({ value: String(p.id), label: p.title, lang: "de" }))}
          values={values.procedure ? [values.procedure] : procedures.length === 1 ? [String(procedures[0].id)] : []}
          error={errorFor("procedure")}
          required
        />
        <ChoiceField
          name="channel"
          type="radio"
          label={t("find.channel")}
          items={[{ value: "", label: t("find.anyChannel") }, ...SEARCH_CHANNELS.map((c) => ({ value: c, label: t(`staff:channels.${c}`) }))]}
          values={[values.channel ?? ""]}
          error={errorFor("channel")}
          inline
        />
        <TextField name="from" type="date" label={t("find.from")} hint={t("find.fromHint")} value={values.from} error={errorFor("from")} required width="half" />
        <TextField name="to" type="date" label={t("find.to")} value={values.to} error={errorFor("to")} required width="half" />
        <TextField name="words" label={t("find.words")} hint={t("find.wordsHint")} value={values.words} error={errorFor("words")} required maxLength={SEARCH_WORDS_MAX} autoComplete="off" />
        <Button>{t("find.submit")}</Button>
      </form>
      {outcome ? (
        <section aria-labelledby="found-heading">
          <h2 id="found-heading">{t("find.results")}</h2>
          {outcome.kind !== "found" ? (
            <p role="status">{t("find.tooMany")}</p>
          ) : outcome.hits.length === 0 ? (
            <p role="status">{t("find.none")}</p>
          ) : (
            <>
              <p role="status">{outcome.more ? t("find.more", { count: outcome.hits.length }) : t("find.count", { count: outcome.hits.length })}</p>
              <ul className="cards">
                {outcome.hits.map((h) => (
                  <li key={h.id} className="card">
                    <h3 className="card__title">
                      <a href={`${base}/eintrag/${h.id}`}>{t("find.entry", { id: h.id })}</a>
                    </h3>
                    <p className="card__meta">
                      {h.receivedOn ? formatDate(h.receivedOn, i18n.language) : formatDateTime(h.createdAt, i18n.language)} · {t(`staff:channels.${h.channel}`)}
                    </p>
                    <p lang="de">{h.excerpt}</p>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      ) : null}
      <p>
        <a href={base}>{t("receipt.backToDesk")}</a>
      </p>
    </>
  );
}
