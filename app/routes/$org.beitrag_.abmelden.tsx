/** Forget the receipt code in this browser (a shared computer), then back to the look-up form. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";
import { endReceiptSession } from "~/modules/privacy/receipt-session.server";

export async function loader({ params }: LoaderFunctionArgs) {
  throw redirect(`/${params.org}/beitrag`, 303);
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    return redirect(`/${params.org}/beitrag`, { status: 303, headers: { "Set-Cookie": await endReceiptSession() } });
  });
}

/** Only reached when signing out fails (e.g. a request from another site): the root error page shows. */
export default function SignOutPage() {
  return null;
}
