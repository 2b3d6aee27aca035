/** What every resident page of one procedure needs: the organisation, the procedure, the language. */
import type { Params } from "@remix-run/react";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { HttpError } from "~/modules/http/errors";
import { findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import { findPublicProcedure } from "./procedures.server";

export async function requireOrganisation(params: Params) {
  const organisation = await findOrganisationBySlug(getDb(), params.org ?? "");
  if (!organisation) throw new HttpError(404, "not_found");
  return organisation;
}

export async function loadProcedureContext(request: Request, params: Params) {
  const organisation = await requireOrganisation(params);
  const procedure = await findPublicProcedure(getDb(), organisation.id, params.slug ?? "");
  if (!procedure) throw new HttpError(404, "procedure_not_found");
  const { locale, t } = await getT(request, "procedures");
  const basePath = `/${organisation.slug}/verfahren/${procedure.slug}`;
  return { db: getDb(), organisation, procedure, locale, t, basePath };
}

/** The organisation as pages may show it (no internal fields). */
export const publicOrganisation = (o: { slug: string; name: string }) => ({ slug: o.slug, name: o.name });
