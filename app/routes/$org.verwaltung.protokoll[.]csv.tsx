/** The audit log as CSV for the data-protection officer (admins only), with the page's filters. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { fixedT } from "~/i18n/i18n.server";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { auditCsv, parseAuditFilter } from "~/modules/audit/audit.server";
import { HttpError } from "~/modules/http/errors";
import { withResourceErrors } from "~/modules/http/route-errors.server";
import { csvRow } from "~/modules/results/csv";

export async function loader({ request, params }: LoaderFunctionArgs) {
  // a file: a refusal is a short text in the reader's language, not a page
  return withResourceErrors(request, async () => {
    const user = await requireStaff(request, params, ["admin"]);
    const { fromDay: _from, untilDay: _until, ...filter } = parseAuditFilter(new URL(request.url).searchParams);
    // the file is for the organisation's records: German column names and labels
    const t = fixedT("de", "staff");
    const csv = await auditCsv(
      getDb(),
      user.organisationId,
      filter,
      {
        header: ["when", "who", "what", "action", "target", "targetId", "details", "from"].map((k) => t(`staff:audit.csvColumns.${k}`)),
        action: (a) => t(`accounts:audit.actions.${a}`, { defaultValue: a }),
        target: (x) => t(`accounts:audit.targets.${x}`, { defaultValue: x }),
      },
      csvRow,
    );
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8; header=present",
        "Content-Disposition": `attachment; filename="protokoll-${user.organisationSlug}.csv"`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
      },
    });
  });
}

/** A file to download, nothing to send. */
export async function action({ request, params }: ActionFunctionArgs) {
  return withResourceErrors(request, async () => {
    await requireStaff(request, params, ["admin"]);
    throw new HttpError(405, "method_not_allowed");
  });
}
