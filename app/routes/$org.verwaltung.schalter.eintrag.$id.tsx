/** One submission as staff see it (linked from a refused duplicate paper reference). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getDb } from "~/db.server";
import { getT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { describeForStaff } from "~/modules/assisted-entry/desk.server";
import { StaffSubmissionView } from "~/modules/assisted-entry/ui/StaffSubmissionView";
import { HttpError } from "~/modules/http/errors";
import { withErrorPages } from "~/modules/http/route-errors.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params, ["staff"]);
    const id = Number(params.id);
    const found = Number.isInteger(id) && id > 0 ? await describeForStaff(getDb(), user.organisationId, id) : undefined;
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
      <StaffSubmissionView s={found} />
      <p>
        <a href={base}>{t("receipt.backToDesk")}</a>
      </p>
    </>
  );
}
