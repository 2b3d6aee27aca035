/**
 * One desk entry as staff see it (linked from a refused duplicate form number and from the search
 * without a code): its answers, status and privacy log, never the personal data. Every opening is
 * written into the submission's privacy log and into the audit log.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { openEntryForStaffAs } from "~/modules/assisted-entry/desk-actions.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { StaffAnswers } from "~/modules/assisted-entry/ui/StaffAnswers";
import { StaffSubmissionView } from "~/modules/assisted-entry/ui/StaffSubmissionView";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["staff"]);
    const id = Number(params.id);
    const db = getDb();
    const found =
      Number.isInteger(id) && id > 0
        ? await openEntryForStaffAs(db, { organisationId: user.organisationId, accountId: user.id, clientAddress: context?.clientAddress }, id)
        : undefined;
    if (!found) throw new HttpError(404, "not_found");
    const { t } = await getT(request, "desk");
    return { pageTitle: t("view.title"), found, base: `/${user.organisationSlug}/verwaltung/schalter` };
  });
}

export default function StaffSubmission() {
  const { found, base } = useLoaderData<typeof loader>();
  const { t } = useTranslation("desk");
  return (
    <>
      <h1>{t("view.title")}</h1>
      <p className="hint">{t("view.recorded")}</p>
      <StaffSubmissionView s={found} between={<StaffAnswers answers={found.answers} />} />
      <p>
        <a href={base}>{t("receipt.backToDesk")}</a>
      </p>
    </>
  );
}
