/**
 * The paper form of a procedure, generated from the same questions as the online form, for
 * residents who want paper and for staff who print batches (?anzahl=N). ?gross=1 prints large.
 * Each copy carries its own form number, which staff type in when they enter it.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { randomInt } from "node:crypto";
import { useTranslation } from "react-i18next";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { formatDate } from "~/i18n/format";
import { listDocuments } from "~/modules/documents/documents.server";
import { DocumentsOnPaper } from "~/modules/documents/ui/DocumentsOnPaper";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { loadProcedureContext, publicOrganisation } from "~/modules/procedures/context.server";
import { personalDataDeletionDate, type Question } from "~/modules/procedures/procedure";
import { RECEIPT_ALPHABET } from "~/modules/submissions/receipt-code";
import { contentAttrs, type LocalizedQuestion } from "~/modules/procedures/translations";
import { procedureForReader } from "~/modules/procedures/translations.server";
import { ContentLanguageNote } from "~/modules/procedures/ui/ContentLanguageNote";
import { sectionsForReader } from "~/modules/sections/outline";
import { sectionsOf } from "~/modules/sections/sections.server";
import { PaperSectionChoice } from "~/modules/sections/ui/PaperSectionChoice";
import { paperPlanFor } from "~/modules/places/form.server";
import { PaperPlace } from "~/modules/places/ui/PaperPlace";

const formNumber = (procedureId: number) =>
  `F${procedureId}-${Array.from({ length: 6 }, () => RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)]).join("")}`;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const { db, organisation, procedure: original, t, locale, basePath } = await loadProcedureContext(request, params);
    // printed in the reader's language where translated; German pieces are marked as German
    const procedure = await procedureForReader(db, original, locale);
    const url = new URL(request.url);
    const copies = Math.min(50, Math.max(1, Number.parseInt(url.searchParams.get("anzahl") ?? "1", 10) || 1));
    return {
      pageTitle: t("paper.title", { title: procedure.title }),
      organisation: publicOrganisation(organisation),
      postalAddress: organisation.postal_address,
      procedure,
      large: url.searchParams.get("gross") === "1",
      numbers: Array.from({ length: copies }, () => formNumber(procedure.id)),
      deletion: personalDataDeletionDate(procedure),
      controller: organisation.controller_name,
      documents: await listDocuments(db, procedure.id),
      sections: sectionsForReader(await sectionsOf(db, original), procedure.body, procedure.langs.body).sections,
      onlineAt: `${url.origin}/${organisation.slug}/verfahren/${procedure.slug}`,
      // the plan with its grid, to mark with a cross or name a cell (issue 18)
      plan: await paperPlanFor(db, procedure.id, basePath),
    };
  });
}

function Boxes({ items }: { items: (string | { label: string; lang?: string })[] }) {
  const { i18n } = useTranslation();
  return (
    <ul className="paper__boxes">
      {items.map((item) => {
        const { label, lang } = typeof item === "string" ? { label: item, lang: undefined } : item;
        return (
          <li key={label}>
            <span className="paper__box" aria-hidden="true" /> {lang ? <span {...contentAttrs(lang, i18n.language)}>{label}</span> : label}
          </li>
        );
      })}
    </ul>
  );
}

function PaperQuestion({ q, n }: { q: LocalizedQuestion; n: number }) {
  const { t, i18n } = useTranslation(["procedures", "submissions"]);
  const lines = q.kind === "long_text" ? 8 : q.kind === "short_text" ? 1 : 0;
  return (
    <div className="paper__question">
      <h3>
        {n}. <span {...contentAttrs(q.langs.label, i18n.language)}>{q.label}</span> <span className="requirement">{q.required ? t("common:required") : t("common:optional")}</span>
      </h3>
      {q.hint ? (
        <p className="hint" {...contentAttrs(q.langs.hint, i18n.language)}>
          {q.hint}
        </p>
      ) : null}
      {q.kind === "single_choice" ? <p className="hint">{t("paper.tickOne")}</p> : null}
      {q.kind === "multiple_choice" ? <p className="hint">{t("paper.tickAll")}</p> : null}
      {q.kind === "single_choice" || q.kind === "multiple_choice" ? <Boxes items={q.options.map((o) => ({ label: o.label, lang: q.langs.options[o.value] }))} /> : null}
      {q.kind === "scale" && q.scale ? (
        <Boxes items={Array.from({ length: q.scale.max - q.scale.min + 1 }, (_, i) => {
          const v = q.scale!.min + i;
          return v === q.scale!.min
            ? { label: `${v} (${q.scale!.minLabel})`, lang: q.langs.minLabel }
            : v === q.scale!.max
              ? { label: `${v} (${q.scale!.maxLabel})`, lang: q.langs.maxLabel }
              : String(v);
        })} />
      ) : null}
      {q.kind === "yes_no" ? <Boxes items={[t("submissions:yes"), t("submissions:no")]} /> : null}
      {lines > 0 ? (
        <div className={`paper__lines paper__lines--${lines}`} aria-label={t("paper.writeHere")} role="img" />
      ) : null}
    </div>
  );
}

export default function PaperForm() {
  const { procedure, large, numbers, postalAddress, deletion, controller, documents, onlineAt, sections, plan } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("procedures");
  return (
    <div className={large ? "paper paper--large" : "paper"}>
      <p className="no-print">{t("paper.printHint")}</p>
      <ContentLanguageNote coverage={procedure.coverage} />
      {numbers.map((number, copy) => (
        <article className="paper__copy" key={number} aria-labelledby={`paper-title-${copy}`}>
          <p className="paper__number">
            {t("paper.formNumber")} <strong>{number}</strong>
          </p>
          <h1 id={`paper-title-${copy}`} {...contentAttrs(procedure.langs.title, i18n.language)}>
            {procedure.title}
          </h1>
          <p>{t("paper.sendTo", { date: formatDate(procedure.closesAt, i18n.language) })}</p>
          <p className="paper__address" lang={CONTENT_LANGUAGE}>
            {procedure.responsibleOffice}
            <br />
            {postalAddress}
          </p>
          <DocumentsOnPaper id={`paper-documents-${copy}`} documents={documents} onlineAt={onlineAt} onPaperAt={`${procedure.responsibleOffice}, ${postalAddress}`} />
          <h2>{t("paper.questions")}</h2>
          <PaperSectionChoice sections={sections} />
          {procedure.questions.map((q, i) => (
            <PaperQuestion key={q.id} q={q} n={i + 1} />
          ))}
          {plan ? <PaperPlace plan={plan} /> : null}
          {procedure.contactFields.length > 0 ? (
            <>
              <h2>{t("paper.contactHeading")}</h2>
              <p>{t("paper.contactIntro")}</p>
              {procedure.contactFields.map((f) => (
                <div className="paper__question" key={f.key}>
                  <h3>
                    {t(`privacy.fields.${f.key}`)} <span className="requirement">({t(`privacy.mode.${f.mode}`)})</span>
                  </h3>
                  <p className="hint">
                    {t("paper.purpose")} <span lang={CONTENT_LANGUAGE}>{f.purpose}</span>
                  </p>
                  <div className={f.key === "address" ? "paper__lines paper__lines--3" : "paper__lines paper__lines--1"} aria-label={t("paper.writeHere")} role="img" />
                </div>
              ))}
            </>
          ) : null}
          <h2>{t("privacy.heading")}</h2>
          <p>
            {t("privacy.controller")} <span lang={CONTENT_LANGUAGE}>{controller}</span>. {t("privacy.legalBasis")} <span lang={CONTENT_LANGUAGE}>{procedure.legalBasis}</span>.
          </p>
          {procedure.contactFields.length > 0 ? <p>{t("privacy.deletion", { date: formatDate(deletion, i18n.language), count: procedure.retentionMonths })}</p> : null}
          {plan ? <p>{t("place:privacy")}</p> : null}
          <p>{t("paper.receipt")}</p>
        </article>
      ))}
    </div>
  );
}
