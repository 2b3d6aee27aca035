/** Forget the receipt code in this browser (a shared computer), then back to the look-up form. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { endReceiptSession } from "~/modules/privacy/receipt-session.server";
import { requireOrganisation } from "~/modules/procedures/context.server";

// the address goes back through the organisation's own slug: an unknown one is a 404 page, and
// whatever was typed into the URL never reaches a Location header (non-ASCII there is a 500)
export async function loader({ params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    throw redirect(`/${organisation.slug}/beitrag`, 303);
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const organisation = await requireOrganisation(params);
    return redirect(`/${organisation.slug}/beitrag`, { status: 303, headers: { "Set-Cookie": await endReceiptSession() } });
  });
}

/** Only reached when signing out fails (e.g. a request from another site): the root error page shows. */
export default function SignOutPage() {
  return null;
}
