/** What every resident page of one procedure needs: the organisation, the procedure, the language. */
import type { Params } from "@remix-run/react";
import { getDatabaseHandle, getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { HttpError } from "~/modules/http/errors";
import { contentVersion, findOrganisationBySlug } from "~/modules/organisations/organisations.server";
import type { Procedure } from "./procedure";
import { findPublicProcedure } from "./procedures.server";

export async function requireOrganisation(params: Params) {
  const organisation = await findOrganisationBySlug(getDb(), params.org ?? "");
  if (!organisation) throw new HttpError(404, "not_found");
  return organisation;
}

type Organisation = Awaited<ReturnType<typeof requireOrganisation>>;

/**
 * Organisation and procedure (with its questions) per process, valid while the organisation's content
 * version (decision 21: raised by triggers on every write to the organisation, its procedures, questions
 * and translations) stays the same: one indexed look-up per request instead of three queries, and never
 * older than the database, also with several instances. Frozen: the objects are shared by requests.
 */
type Context = { version: number; organisation: Organisation; procedure: Procedure };
const cachesByDb = new WeakMap<object, Map<string, Context>>();
const MAX_CONTEXTS = 200;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

async function organisationAndProcedure(params: Params): Promise<{ organisation: Organisation; procedure: Procedure }> {
  const handle = getDatabaseHandle();
  const db = handle.db;
  let contexts = cachesByDb.get(db);
  if (!contexts) cachesByDb.set(db, (contexts = new Map()));
  const key = `${params.org ?? ""}/${params.slug ?? ""}`;
  // the version first: a write that lands while the rows are read makes them look older, never newer
  const version = await contentVersion(handle, params.org ?? "");
  const known = contexts.get(key);
  if (known && version !== undefined && known.version === version) return known;
  const organisation = await requireOrganisation(params);
  const procedure = await findPublicProcedure(db, organisation.id, params.slug ?? "");
  if (!procedure) throw new HttpError(404, "procedure_not_found");
  if (version !== undefined) {
    contexts.delete(key);
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
    contexts.set(key, { version, organisation: deepFreeze(organisation), procedure: deepFreeze(procedure) });
  }
  return { organisation, procedure };
}

export async function loadProcedureContext(request: Request, params: Params) {
  const { organisation, procedure } = await organisationAndProcedure(params);
  const { locale, t } = await getT(request, "procedures");
  const basePath = `/${organisation.slug}/verfahren/${procedure.slug}`;
  return { db: getDb(), organisation, procedure, locale, t, basePath };
}

/** The organisation as pages may show it (no internal fields). */
export const publicOrganisation = (o: { slug: string; name: string }) => ({ slug: o.slug, name: o.name });
