/**
 * The staff area's frame: who is signed in, what they may open, sign-out. Each page checks again.
 * An error inside the area (403, 404) keeps the frame: the root ErrorBoundary wraps it in
 * StaffFrame from this route's loader data (root, not here, so the page title names the error).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { requireStaff } from "~/modules/accounts/permissions.server";
import { StaffFrame, type StaffFrameData } from "~/modules/accounts/ui/StaffFrame";
import { withErrorPages } from "~/modules/http/route-errors.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const user = await requireStaff(request, params);
    const frame: StaffFrameData = {
      organisation: { slug: user.organisationSlug, name: user.organisationName },
      staff: { displayName: user.displayName, roles: user.roles },
    };
    return frame;
  });
}

export default function StaffArea() {
  const data = useLoaderData<typeof loader>();
  return (
    <StaffFrame {...data}>
      <Outlet />
    </StaffFrame>
  );
}
