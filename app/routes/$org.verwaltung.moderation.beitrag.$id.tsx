/** Reviewing one submission: publish (as is or redacted), do not publish (with a reason), respond. */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PrevNextNav } from "~/components/PrevNextNav";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, ChoiceField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { ReceivedFacts } from "~/modules/submissions/ui/ReceivedFacts";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { MODERATION_ROLES } from "~/modules/accounts/roles";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { doNotPublishAs, openContactDetailsAs, openOriginalTextAs, publishSubmissionAs } from "~/modules/moderation/moderator-actions.server";
import {
  NOT_PUBLISHED_REASONS,
  queueNeighbours,
  submissionForReview,
  type NotPublishedReason,
} from "~/modules/moderation/moderation.server";
import { suggestRedaction } from "~/modules/moderation/personal-data";
import { MarkedText } from "~/modules/moderation/ui/MarkedText";
import type { ContactDetails } from "~/modules/privacy/contact-data.server";
import { considerationErrors, recordConsideration } from "~/modules/considerations/considerations.server";
import { decisionChoices } from "~/modules/considerations/labels.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { sectionLabel } from "~/modules/sections/outline";
import { sectionById } from "~/modules/sections/sections.server";
import { listSubmissionAttachments } from "~/modules/attachments/attachments.server";
import { setAttachmentPublished } from "~/modules/attachments/staff.server";
import { StaffAttachments } from "~/modules/attachments/ui/StaffAttachments";
import { placeOfStatement } from "~/modules/places/form.server";
import { setPlaceWithheld } from "~/modules/places/places.server";
import { PLACE_PUBLICATION_INTENT, PlaceReview } from "~/modules/places/ui/PlaceReview";

const submissionId = (params: Record<string, string | undefined>) => {
  const id = Number(params.id);
  if (!Number.isInteger(id) || id <= 0) throw new HttpError(404, "not_found");
  return id;
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, MODERATION_ROLES);
    const review = await submissionForReview(getDb(), user.organisationId, submissionId(params));
    const { t, locale } = await getT(request, "moderation");
    const decisions = await decisionChoices(getDb(), user.organisationId, t, locale);
    return {
      pageTitle: t("review.title", { id: review.submission.id }),
      decisions: decisions.choices,
      csrfToken: user.csrfToken,
      base: `/${user.organisationSlug}/verwaltung/moderation`,
      s: {
        id: review.submission.id,
        createdAt: review.submission.created_at,
        receivedOn: review.submission.received_on,
        channel: review.submission.channel,
        state: review.submission.state,
        reason: review.submission.not_published_reason,
        responseState: review.submission.response_state,
        // the part of the draft it is about (null: the draft as a whole)
        section: await sectionById(getDb(), review.procedure.id, review.submission.section_id).then((x) => (x ? sectionLabel(x) : null)),
      },
      procedure: { id: review.procedure.id, title: review.procedure.title },
      // words, cell and a picture of the point (issue 18), and whether the place is withheld from publication
      place: await placeOfStatement(getDb(), review.procedure.id, `/${user.organisationSlug}/verfahren/${review.procedure.slug}`, review.submission.id),
      // a redacted answer's original stays on the server until it is opened (a logged step)
      answers: review.answers.map((a) => ({ ...a, original: a.redacted ? "" : a.original, suggestion: a.findings.length ? suggestRedaction(a.publicValue).redacted : a.publicValue })),
      contactCategories: review.contactCategories,
      // names and sizes only: opening a file or its thumbnail is a logged step of its own
      attachments: await listSubmissionAttachments(getDb(), review.submission.id).then((files) =>
        files.map((f) => ({ token: f.token, name: f.name, kind: f.kind, byteSize: f.byteSize, source: f.source, hasThumbnail: f.hasThumbnail, published: f.published, altText: f.altText })),
      ),
      response: review.response ? { ...review.response, decisionLabel: decisions.label(review.response.decision) } : null,
      neighbours: await queueNeighbours(getDb(), user.organisationId, review.procedure.id, review.submission.id),
      done: new URL(request.url).searchParams.get("erledigt"),
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const { user, fields } = await requireStaffAction(request, params, MODERATION_ROLES);
    const id = submissionId(params);
    const db = getDb();
    const one = (name: string) => {
      const v = fields.get(name);
      if (v && v.length > 1) throw new HttpError(400, "repeated_field");
      return v?.[0];
    };
    const intent = one("intent");
    const base = `/${user.organisationSlug}/verwaltung/moderation/beitrag/${id}`;
    // each step below writes its audit entry in the change's own transaction
    const moderator = { organisationId: user.organisationId, accountId: user.id, clientAddress: context?.clientAddress };

    if (intent === "publish") {
      const redactions = new Map<number, string>();
      for (const [name, values] of fields) {
        const m = /^public_(\d+)$/.exec(name);
        if (m) {
          if (values.length > 1) throw new HttpError(400, "repeated_field");
          const text = values[0].replace(/\r\n?/g, "\n").trim();
          if (text.length > 10_000) return data({ errors: [{ field: name, message: "moderation:errors.tooLong" }] as FieldError[], contact: null }, { status: 400 });
          redactions.set(Number(m[1]), text);
        } else if (!["intent", "confirm_checked"].includes(name)) throw new HttpError(400, "unknown_field");
      }
      const result = await publishSubmissionAs(db, moderator, { submissionId: id, redactions, confirmedChecked: one("confirm_checked") === "yes" });
      if (!result.ok) return data({ errors: [{ field: "confirm_checked", message: "moderation:errors.findingsLeft" }] as FieldError[], contact: null }, { status: 400 });
      return redirect(`${base}?erledigt=published`, 303);
    }
    if (intent === "not_publish") {
      const reason = one("reason") ?? "";
      if (!(NOT_PUBLISHED_REASONS as readonly string[]).includes(reason)) {
        return data({ errors: [{ field: "reason", message: "moderation:errors.reason" }] as FieldError[], contact: null }, { status: 400 });
      }
      await doNotPublishAs(db, moderator, { submissionId: id, reason: reason as NotPublishedReason });
      return redirect(`${base}?erledigt=not_published`, 303);
    }
    if (intent === "respond") {
      const decision = one("decision") ?? "";
      const text = (one("response_text") ?? "").replace(/\r\n?/g, "\n").trim();
      const errors: FieldError[] = await considerationErrors(db, user.organisationId, decision, text);
      if (errors.length) return data({ errors, contact: null }, { status: 400 });
      const review = await submissionForReview(db, user.organisationId, id);
      // audited in the consideration's own transaction
      await recordConsideration(db, { organisationId: user.organisationId, procedureId: review.procedure.id, submissionIds: [id], moderatorId: user.id, decision, text, clientAddress: context?.clientAddress });
      return redirect(`${base}?erledigt=responded`, 303);
    }
    if (intent === PLACE_PUBLICATION_INTENT) {
      const withhold = one("withhold");
      if (withhold !== "yes" && withhold !== "no") throw new HttpError(400, "unknown_field");
      for (const name of fields.keys()) if (!["intent", "withhold"].includes(name)) throw new HttpError(400, "unknown_field");
      const outcome = await setPlaceWithheld(db, moderator, { submissionId: id, withhold: withhold === "yes" });
      if (outcome === "no_place") throw new HttpError(404, "not_found");
      return redirect(`${base}?erledigt=${withhold === "yes" ? "place_withheld" : "place_released"}#place-heading`, 303);
    }
    if (intent === "publish_attachment") {
      const token = one("token") ?? "";
      const publish = one("publish");
      if (publish !== "yes" && publish !== "no") throw new HttpError(400, "unknown_field");
      for (const name of fields.keys()) if (!["intent", "token", "publish", `alt_${token}`].includes(name)) throw new HttpError(400, "unknown_field");
      const result = await setAttachmentPublished(db, {
        actor: { organisationId: user.organisationId, accountId: user.id, clientAddress: context?.clientAddress },
        role: user.roles.includes("moderator") ? "moderator" : "admin",
        submissionId: id,
        token,
        publish: publish === "yes",
        altText: one(`alt_${token}`) ?? "",
      });
      if (!result.ok) return data({ errors: result.errors, contact: null }, { status: 400 });
      return redirect(`${base}?erledigt=attachment#anhang-${token}`, 303);
    }
    if (intent === "open_original") {
      const originals = await openOriginalTextAs(db, moderator, id);
      return { errors: [] as FieldError[], contact: null, originals };
    }
    if (intent === "open_contact") {
      return { errors: [] as FieldError[], contact: (await openContactDetailsAs(db, moderator, id)) as ContactDetails };
    }
    throw new HttpError(400, "unknown_field");
  });
}

export default function Review() {
  const { s, procedure, answers, contactCategories, attachments, response, decisions, csrfToken, base, done, neighbours, place } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(["moderation", "staff", "privacy", "attachments-staff"]);
  const errors = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  const anyFindings = answers.some((a) => a.findings.length > 0);
  const redacted = answers.filter((a) => a.redacted);
  const originals = actionData && "originals" in actionData ? actionData.originals : null;
  return (
    <>
      <p className="caption" lang="de">
        <a href={`${base}/${procedure.id}`}>{procedure.title}</a>
      </p>
      <h1>{t("review.heading", { id: s.id })}</h1>
      <PrevNextNav
        label={t("review.pager")}
        previous={neighbours.previous ? { href: `${base}/beitrag/${neighbours.previous}`, text: t("review.previous", { id: neighbours.previous }) } : null}
        next={neighbours.next ? { href: `${base}/beitrag/${neighbours.next}`, text: t("review.next", { id: neighbours.next }) } : null}
      />
      {done ? (
        <div className="notice notice--success" role="status">
          <p>{done === "attachment" ? t("attachments-staff:publish.done") : t(`review.done.${done}`, { defaultValue: "" })}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="moderation" />
      <dl className="facts">
        <ReceivedFacts receivedOn={s.receivedOn} enteredAt={s.createdAt} />
        <div>
          <dt>{t("privacy:log.channel")}</dt>
          <dd>{t(`staff:channels.${s.channel}`)}</dd>
        </div>
        <div>
          <dt>{t("sections:choice.row")}</dt>
          <dd lang={s.section ? "de" : undefined}>{s.section ?? t("sections:choice.whole")}</dd>
        </div>
        <div>
          <dt>{t("queue.state")}</dt>
          <dd>
            {t(`states.${s.state}`)}
            {s.reason ? ` (${t(`reasons.${s.reason}`)})` : ""}
          </dd>
        </div>
      </dl>

      {redacted.length ? (
        <section aria-labelledby="original-heading">
          <h2 id="original-heading">{t("review.originalHeading")}</h2>
          {originals ? (
            redacted.map((a) => (
              <div key={a.answerId} className="review-answer">
                <h3 lang="de">{a.question}</h3>
                <p className="pre" lang="de">
                  {originals.find((o) => o.answerId === a.answerId)?.original ?? ""}
                </p>
              </div>
            ))
          ) : (
            <form method="post">
              <CsrfField token={csrfToken} />
              <input type="hidden" name="intent" value="open_original" />
              <p>{t("review.originalHint", { count: redacted.length })}</p>
              <Button secondary>{t("review.openOriginal")}</Button>
            </form>
          )}
        </section>
      ) : null}

      <form method="post" noValidate>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="intent" value="publish" />
        <h2>{t("review.answers")}</h2>
        {answers.map((a) =>
          a.kind === "short_text" || a.kind === "long_text" ? (
            <div key={a.answerId} className="review-answer">
              <h3 lang="de">{a.question}</h3>
              {a.findings.length ? <p className="error-message">{t("review.findings", { count: a.findings.length })}</p> : null}
              <MarkedText text={a.publicValue} findings={a.findings} />
              <TextField
                name={`public_${a.answerId}`}
                label={t("review.publicText")}
                hint={a.findings.length ? t("review.suggestionHint") : t("review.publicTextHint")}
                value={a.suggestion}
                multiline
                error={errorFor(`public_${a.answerId}`)}
              />
            </div>
          ) : (
            <div key={a.answerId} className="review-answer">
              <h3 lang="de">{a.question}</h3>
              <ChoiceAnswer answer={a} />
            </div>
          ),
        )}
        {anyFindings ? (
          <ChoiceField name="confirm_checked" type="checkbox" label={t("review.confirmLegend")} items={[{ value: "yes", label: t("review.confirm") }]} error={errorFor("confirm_checked")} />
        ) : null}
        <Button>{t("review.publish")}</Button>
      </form>

      {place ? <PlaceReview place={place} csrfToken={csrfToken} /> : null}

      <StaffAttachments files={attachments} base={base.replace(/\/moderation$/, "")} csrfToken={csrfToken} errorFor={errorFor} />

      <form method="post" noValidate>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="intent" value="not_publish" />
        <h2>{t("review.notPublishHeading")}</h2>
        <p className="hint">{t("review.notPublishHint")}</p>
        <ChoiceField name="reason" type="radio" label={t("review.reason")} items={NOT_PUBLISHED_REASONS.map((r) => ({ value: r, label: t(`reasons.${r}`) }))} error={errorFor("reason")} />
        <Button secondary>{t("review.notPublish")}</Button>
      </form>

      <section aria-labelledby="response-heading">
        <h2 id="response-heading">{t("review.responseHeading")}</h2>
        {response ? (
          <div className="inset">
            <p>
              <strong>{response.decisionLabel}</strong>
            </p>
            <p className="pre" lang="de">
              {response.text}
            </p>
          </div>
        ) : null}
        <form method="post" noValidate>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="intent" value="respond" />
          <ChoiceField name="decision" type="radio" label={t("review.decision")} items={decisions} error={errorFor("decision")} required />
          <TextField name="response_text" label={t("review.responseText")} hint={t("review.responseHint")} multiline error={errorFor("response_text")} required />
          <Button>{response ? t("review.respondAgain") : t("review.respond")}</Button>
        </form>
      </section>

      <section aria-labelledby="contact-heading">
        <h2 id="contact-heading">{t("review.contactHeading")}</h2>
        {contactCategories.length === 0 ? (
          <p>{t("review.noContact")}</p>
        ) : actionData?.contact ? (
          <dl className="facts">
            {Object.entries(actionData.contact).map(([k, v]) => (
              <div key={k}>
                <dt>{t(`privacy:categories.${k}`)}</dt>
                <dd className="pre">{v}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <form method="post">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="intent" value="open_contact" />
            <p>{t("review.contactHint")}</p>
            <Button secondary>{t("review.openContact")}</Button>
          </form>
        )}
      </section>
    </>
  );
}

/** A choice, scale or yes/no answer as the resident saw it: option labels, Ja/Nein, the scale's ends (in the staff member's language). */
function ChoiceAnswer({ answer }: { answer: { kind: string; original: string; choice?: { values: string[]; labels: string[]; scale: { min: number; max: number; minLabel: string; maxLabel: string } | null } } }) {
  const { t } = useTranslation("moderation");
  const choice = answer.choice;
  if (!choice) return <p lang="de">{answer.original}</p>;
  if (answer.kind === "yes_no") return <p>{choice.values.map((v) => (v === "yes" || v === "no" ? t(`review.yesNo.${v}`) : v)).join(", ")}</p>;
  if (answer.kind === "scale" && choice.scale) {
    const { min, max, minLabel, maxLabel } = choice.scale;
    return (
      <p>
        {t("review.scaleValue", { value: choice.values[0], min, max })}{" "}
        <span className="hint">
          ({min}: <span lang="de">{minLabel}</span>, {max}: <span lang="de">{maxLabel}</span>)
        </span>
      </p>
    );
  }
  if (answer.kind === "multiple_choice") {
    return (
      <ul lang="de">
        {choice.labels.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
    );
  }
  return <p lang="de">{choice.labels.join(", ")}</p>;
}
