/** Check your answers (step 2 of 3, WCAG 3.3.4): every answer with a link to change it, then send. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button } from "~/components/fields";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { loadProcedureContext, publicOrganisation } from "~/modules/procedures/context.server";
import {
  CONSENT_FIELD,
  acceptanceState,
  contactFieldName,
  offersResultsNotification,
  questionFieldName,
} from "~/modules/procedures/procedure";
import { contentAttrs, languageNote, pieceLanguages } from "~/modules/procedures/translations";
import { procedureForReader } from "~/modules/procedures/translations.server";
import { ContentLanguageNote } from "~/modules/procedures/ui/ContentLanguageNote";
import { REMOVE_FIELD } from "~/modules/attachments/attachments";
import { removeDraftAttachment } from "~/modules/attachments/attachments.server";
import { formAttachments } from "~/modules/attachments/form.server";
import { CheckedFiles } from "~/modules/attachments/ui/CheckedFiles";
import { draftIdFor } from "~/modules/submissions/draft-cookie.server";
import { readDraft, submitDraft } from "~/modules/submissions/drafts.server";
import { SECTION_FIELD, sectionsForReader } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { shownPlace, withPlaceGrid } from "~/modules/places/form.server";
import { PlaceSummary } from "~/modules/places/ui/PlaceSummary";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { db, organisation, procedure: original, basePath, t, locale } = await loadProcedureContext(request, params);
    // labels in the reader's language where translated; the stored values are the same in every language
    const procedure = await procedureForReader(db, original, locale);
    const draftId = await draftIdFor(request, procedure.id);
    const draft = await readDraft(db, draftId, procedure.id);
    if (draft.state === "submitted") throw redirect(`${basePath}/bestaetigung`, 303);
    if (draft.state === "missing") throw new HttpError(404, "draft_missing");
    const acceptance = acceptanceState(procedure);
    if (acceptance !== "open") throw new HttpError(403, acceptance === "closed" ? "procedure_closed" : "procedure_not_yet_open");
    type AnswerRow = { field: string; label: string; labelLang?: string; text: string[]; langs?: (string | undefined)[] };
    const rows: AnswerRow[] = procedure.questions.map((q) => {
      const values = draft.input.answers.find((a) => a.questionId === q.id)?.values ?? [];
      const shown =
        q.kind === "single_choice" || q.kind === "multiple_choice"
          ? { text: values.map((v) => q.options.find((o) => o.value === v)?.label ?? v), langs: values.map((v) => q.langs.options[v]) }
          : q.kind === "yes_no"
            ? { text: values.map((v) => t(`submissions:${v}`)) }
            : { text: values };
      return { field: questionFieldName(q), label: q.label, labelLang: q.langs.label, ...shown };
    });
    const sections = await sectionsOf(db, original);
    if (sections.length > 0) {
      // the section first, as in the form; in the reader's language where the text is translated alike
      const shown = sectionsForReader(sections, procedure.body, procedure.langs.body).sections;
      const chosen = sections.findIndex((s) => s.id === draft.input.sectionId);
      rows.unshift({
        field: SECTION_FIELD,
        label: t("sections:choice.row"),
        labelLang: undefined,
        text: [chosen < 0 ? t("sections:choice.whole") : `${shown[chosen].number} ${shown[chosen].title}`],
        langs: [chosen < 0 ? undefined : shown[chosen].lang],
      });
    }
    const contact = procedure.contactFields.map((c) => ({
      field: contactFieldName(c.key),
      label: t(`submissions:contact.${c.key}`),
      text: draft.input.contact[c.key] ? [draft.input.contact[c.key]!] : [],
    }));
    if (offersResultsNotification(procedure)) {
      contact.push({
        field: CONSENT_FIELD,
        label: t("submissions:consent.checkRow"),
        text: [t(draft.input.consentResults ? "submissions:consent.given" : "submissions:consent.refused")],
      });
    }
    return {
      pageTitle: t("submissions:check.title"),
      organisation: publicOrganisation(organisation),
      procedureTitle: procedure.title,
      titleLang: procedure.langs.title,
      note: languageNote(locale, pieceLanguages(procedure)),
      basePath,
      rows,
      contact,
      place: await shownPlace(db, procedure.id, basePath, draft.input.place),
      attachments: await formAttachments(db, procedure.id, draftId),
    };
  }, `/${params.org}/verfahren/${params.slug}`);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const { db, procedure, basePath } = await loadProcedureContext(request, params);
    const fields = await readForm(request);
    const draftId = await draftIdFor(request, procedure.id);
    // "remove" next to a file: that file goes, the page shows the rest
    const removal = fields.get(REMOVE_FIELD);
    if (removal && removal.length === 1 && fields.size === 1) {
      await removeDraftAttachment(db, procedure.id, draftId, removal[0]);
      return redirect(`${basePath}/pruefen`, 303);
    }
    if (fields.size > 0) throw new HttpError(400, "unknown_field");
    await submitDraft(db, { draftId, procedure: await withPlaceGrid(db, procedure), clientKey: context?.clientAddress ?? "unknown" });
    // the submission is committed (and on disk) before the receipt code can be seen
    return redirect(`${basePath}/bestaetigung`, 303);
  }, `/${params.org}/verfahren/${params.slug}`);
}

function AnswerRows({ rows, basePath }: { rows: { field: string; label: string; labelLang?: string; text: string[]; langs?: (string | undefined)[] }[]; basePath: string }) {
  const { t, i18n } = useTranslation("submissions");
  // lang, and dir where it differs from the page's (German inside an Arabic page)
  const attrs = (lang: string | undefined) => (lang ? contentAttrs(lang, i18n.language) : {});
  return (
    <dl className="summary">
      {rows.map((r) => (
        <div className="summary__row" key={r.field}>
          <dt className="summary__key" {...attrs(r.labelLang)}>
            {r.label}
          </dt>
          <dd className="summary__value">
            {r.text.length === 0 ? (
              <span className="hint">{t("check.notAnswered")}</span>
            ) : r.text.length === 1 ? (
              <span className="pre" {...attrs(r.langs?.[0])}>
                {r.text[0]}
              </span>
            ) : (
              <ul>
                {r.text.map((v, i) => (
                  <li key={v} {...attrs(r.langs?.[i])}>
                    {v}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dd className="summary__action">
            <a href={`${basePath}#${r.field}`}>
              {t("check.change")}
              <span className="visually-hidden" {...attrs(r.labelLang)}>
                {" "}
                {r.label}
              </span>
            </a>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export default function CheckAnswers() {
  const { rows, contact, basePath, procedureTitle, titleLang, note, attachments, place } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("submissions");
  return (
    <>
      <p className="caption" {...contentAttrs(titleLang, i18n.language)}>
        {procedureTitle}
      </p>
      <h1>{t("check.title")}</h1>
      <ContentLanguageNote coverage={note} />
      <h2>{t("check.answers")}</h2>
      <AnswerRows rows={rows} basePath={basePath} />
      {place ? (
        <>
          <h2>{t("place:legend")}</h2>
          <PlaceSummary place={place} changeHref={`${basePath}#ort`} />
        </>
      ) : null}
      {contact.length > 0 ? (
        <>
          <h2>{t("check.contact")}</h2>
          <AnswerRows rows={contact} basePath={basePath} />
        </>
      ) : null}
      {attachments ? <CheckedFiles files={attachments.files} action={`${basePath}/pruefen`} changeHref={`${basePath}#attachments`} /> : null}
      <h2>{t("check.sendHeading")}</h2>
      <p>{t("check.sendText")}</p>
      <form method="post" action={`${basePath}/pruefen`}>
        <Button>{t("check.send")}</Button>
      </form>
    </>
  );
}
