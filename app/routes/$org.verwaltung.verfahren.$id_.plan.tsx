/**
 * A procedure's plan (admins only, issue 18): which image document is the plan, its alternative
 * text, the grid (columns × rows) and, optionally, a georeference: the WGS 84 coordinates of its
 * edges (north-up) or three control points (any plan).
 * The image itself is uploaded as a document first (documents page); here it is chosen, decoded
 * once and stored as the plan. Or it is rendered once from the municipality's WMS (GetMap) and
 * stored the same way, georeferenced by its bounding box. No JavaScript.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfField } from "~/components/CsrfField";
import { ErrorSummary } from "~/components/ErrorSummary";
import { Button, SelectField, TextField } from "~/components/fields";
import { getDb } from "~/db.server";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import { getT } from "~/i18n/i18n.server";
import { requireStaff, requireStaffAction } from "~/modules/accounts/permissions.server";
import { errorMessageFor, type FieldError } from "~/modules/forms/fields";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { GRID_LIMITS } from "~/modules/places/place";
import { planAdminView, savePlanFromForm, saveWmsPlanFromForm, removePlanOf, type PlanFormValues, type WmsFormValues } from "~/modules/places/admin.server";
import { getProcedureForAdmin } from "~/modules/procedures/admin-procedures.server";
import { parseId, takeIntent } from "~/modules/forms/parse.server";

const NOTICES = ["saved", "removed"] as const;

async function procedureOf(organisationId: number, rawId: string | undefined) {
  const id = parseId(rawId);
  const procedure = id === null ? undefined : await getProcedureForAdmin(getDb(), organisationId, id);
  if (!procedure) throw new HttpError(404, "procedure_not_found");
  return procedure;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const procedure = await procedureOf(user.organisationId, params.id);
    const { t } = await getT(request, "plan");
    const notice = new URL(request.url).searchParams.get("hinweis");
    const publicPath = `/${user.organisationSlug}/verfahren/${procedure.slug}`;
    return {
      pageTitle: `${t("admin.title")} – ${procedure.title}`,
      csrfToken: user.csrfToken,
      base: `/${user.organisationSlug}/verwaltung/verfahren/${procedure.id}`,
      procedure: { id: procedure.id, title: procedure.title },
      ...(await planAdminView(getDb(), procedure.id, publicPath)),
      notice: NOTICES.find((n) => n === notice) ?? null,
    };
  });
}

type ActionResult = { errors: FieldError[]; values?: PlanFormValues; wmsValues?: WmsFormValues };

export async function action({ request, params, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    const db = getDb();
    const here = `/${params.org}/verwaltung/verfahren/${params.id}/plan`;
    const { user, fields } = await requireStaffAction(request, params, ["admin"]);
    const procedure = await procedureOf(user.organisationId, params.id);
    const entry = { organisationId: user.organisationId, accountId: user.id, clientAddress: context.clientAddress as string | undefined };
    const intent = takeIntent(fields, ["save", "wms", "remove"] as const);
    if (intent === "remove") {
      if (fields.size > 0) throw new HttpError(400, "unknown_field");
      await removePlanOf(db, procedure.id, entry);
      return redirect(`${here}?hinweis=removed`, 303);
    }
    if (intent === "wms") {
      const fromWms = await saveWmsPlanFromForm(db, { organisationId: user.organisationId, procedureId: procedure.id, fields, actor: entry });
      if (!fromWms.ok) return data<ActionResult>({ errors: fromWms.errors, wmsValues: fromWms.wmsValues }, { status: 400 });
      return redirect(`${here}?hinweis=saved`, 303);
    }
    const result = await savePlanFromForm(db, { organisationId: user.organisationId, procedureId: procedure.id, fields, actor: entry });
    if (!result.ok) return data<ActionResult>({ errors: result.errors, values: result.values }, { status: 400 });
    return redirect(`${here}?hinweis=saved`, 303);
  }, `/${params.org}/verwaltung/verfahren/${params.id}/plan`);
}

export default function PlanAdmin() {
  const { procedure, csrfToken, base, notice, images, plan, values: stored, wmsValues: storedWms, wmsWidth } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const { t } = useTranslation("plan");
  const errors = actionData?.errors ?? [];
  const errorFor = errorMessageFor(errors, t);
  const values = actionData?.values ?? stored;
  const wms = actionData?.wmsValues ?? storedWms;
  const here = `${base}/plan`;
  return (
    <>
      <p className="caption" lang={CONTENT_LANGUAGE}>
        {procedure.title}
      </p>
      <h1>{t("admin.title")}</h1>
      {notice ? (
        <div className="notice notice--success" role="status">
          <p>{t(`admin.notices.${notice}`)}</p>
        </div>
      ) : null}
      <ErrorSummary errors={errors} namespace="plan" />
      <p>
        <a href={base}>{t("admin.back")}</a> · <a href={`${base}/dokumente`}>{t("admin.documentsLink")}</a>
      </p>
      <p>{t("admin.intro")}</p>
      {plan ? (
        <figure className="plan-figure">
          <img src={plan.src} width={plan.width} height={plan.height} alt={plan.alt} lang={CONTENT_LANGUAGE} />
          <figcaption>{t("admin.current", { columns: plan.columns, rows: plan.rows })}</figcaption>
        </figure>
      ) : (
        <p>{t("admin.none")}</p>
      )}
      {images.length === 0 ? (
        <p className="notice">{t("admin.noImages")}</p>
      ) : (
        <form method="post" action={here} noValidate className="form">
          <h2>{t(plan ? "admin.changeHeading" : "admin.addHeading")}</h2>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="intent" value="save" />
          <SelectField
            name="document_id"
            label={t("admin.fields.document")}
            hint={t("admin.fields.documentHint")}
            error={errorFor("document_id")}
            required
            value={values.document_id}
            options={[{ value: "", label: t("admin.fields.choose") }, ...images.map((d) => ({ value: String(d.id), label: d.title, lang: CONTENT_LANGUAGE }))]}
          />
          <TextField name="alt" label={t("admin.fields.alt")} hint={t("admin.fields.altHint")} value={values.alt} error={errorFor("alt")} required multiline maxLength={1000} />
          <TextField name="columns" label={t("admin.fields.columns")} hint={t("admin.fields.gridHint", GRID_LIMITS)} value={values.columns} error={errorFor("columns")} required inputMode="numeric" width="half" />
          <TextField name="rows" label={t("admin.fields.rows")} hint={t("admin.fields.gridHint", GRID_LIMITS)} value={values.rows} error={errorFor("rows")} required inputMode="numeric" width="half" />
          <fieldset className="fieldset fieldset--group">
            <legend className="legend">{t("admin.fields.geoLegend")}</legend>
            <p className="hint">{t("admin.fields.geoHint")}</p>
            <TextField name="north" label={t("admin.fields.north")} value={values.north} error={errorFor("north")} inputMode="text" width="half" />
            <TextField name="west" label={t("admin.fields.west")} value={values.west} error={errorFor("west")} inputMode="text" width="half" />
            <TextField name="south" label={t("admin.fields.south")} value={values.south} error={errorFor("south")} inputMode="text" width="half" />
            <TextField name="east" label={t("admin.fields.east")} value={values.east} error={errorFor("east")} inputMode="text" width="half" />
          </fieldset>
          <fieldset className="fieldset fieldset--group">
            <legend className="legend">{t("admin.fields.pointsLegend")}</legend>
            <p className="hint">{t("admin.fields.pointsHint")}</p>
            <p className="hint">{plan ? t("admin.fields.pointsSize", plan.pixels) : t("admin.fields.pointsSizeUnknown")}</p>
            {([1, 2, 3] as const).map((n) => (
              <fieldset className="fieldset fieldset--group" key={n}>
                <legend className="legend">{t("admin.fields.point", { n })}</legend>
                <TextField name={`p${n}_x`} label={t("admin.fields.pointX")} value={values[`p${n}_x`]} error={errorFor(`p${n}_x`)} inputMode="numeric" width="half" />
                <TextField name={`p${n}_y`} label={t("admin.fields.pointY")} value={values[`p${n}_y`]} error={errorFor(`p${n}_y`)} inputMode="numeric" width="half" />
                <TextField name={`p${n}_lon`} label={t("admin.fields.pointLon")} value={values[`p${n}_lon`]} error={errorFor(`p${n}_lon`)} inputMode="text" width="half" />
                <TextField name={`p${n}_lat`} label={t("admin.fields.pointLat")} value={values[`p${n}_lat`]} error={errorFor(`p${n}_lat`)} inputMode="text" width="half" />
              </fieldset>
            ))}
          </fieldset>
          <Button>{t("admin.save")}</Button>
        </form>
      )}
      <form method="post" action={here} noValidate className="form">
        <h2>{t("admin.wms.heading")}</h2>
        <p>{t("admin.wms.intro")}</p>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="intent" value="wms" />
        <TextField name="wms_url" label={t("admin.wms.url")} hint={t("admin.wms.urlHint")} value={wms.wms_url} error={errorFor("wms_url")} required maxLength={500} />
        <TextField name="wms_layers" label={t("admin.wms.layers")} hint={t("admin.wms.layersHint")} value={wms.wms_layers} error={errorFor("wms_layers")} required maxLength={200} />
        <fieldset className="fieldset fieldset--group">
          <legend className="legend">{t("admin.wms.boxLegend")}</legend>
          <p className="hint">{t("admin.wms.boxHint")}</p>
          <TextField name="wms_west" label={t("admin.fields.west")} value={wms.wms_west} error={errorFor("wms_west")} required inputMode="text" width="half" />
          <TextField name="wms_south" label={t("admin.fields.south")} value={wms.wms_south} error={errorFor("wms_south")} required inputMode="text" width="half" />
          <TextField name="wms_east" label={t("admin.fields.east")} value={wms.wms_east} error={errorFor("wms_east")} required inputMode="text" width="half" />
          <TextField name="wms_north" label={t("admin.fields.north")} value={wms.wms_north} error={errorFor("wms_north")} required inputMode="text" width="half" />
        </fieldset>
        <TextField name="wms_width" label={t("admin.wms.width")} hint={t("admin.wms.widthHint", wmsWidth)} value={wms.wms_width} error={errorFor("wms_width")} required inputMode="numeric" width="half" />
        <TextField name="wms_alt" label={t("admin.fields.alt")} hint={t("admin.fields.altHint")} value={wms.wms_alt} error={errorFor("wms_alt")} required multiline maxLength={1000} />
        <TextField name="wms_columns" label={t("admin.fields.columns")} hint={t("admin.fields.gridHint", GRID_LIMITS)} value={wms.wms_columns} error={errorFor("wms_columns")} required inputMode="numeric" width="half" />
        <TextField name="wms_rows" label={t("admin.fields.rows")} hint={t("admin.fields.gridHint", GRID_LIMITS)} value={wms.wms_rows} error={errorFor("wms_rows")} required inputMode="numeric" width="half" />
        <Button>{t("admin.wms.save")}</Button>
      </form>
      {plan ? (
        <form method="post" action={here}>
          <h2>{t("admin.removeHeading")}</h2>
          <p>{t("admin.removeText")}</p>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="intent" value="remove" />
          <Button secondary>{t("admin.remove")}</Button>
        </form>
      ) : null}
    </>
  );
}
