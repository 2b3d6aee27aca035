/** Forget the receipt code in this browser (a shared computer), then back to the look-up form. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { endReceiptSession } from "~/modules/privacy/receipt-session.server";

export async function loader({ params }: LoaderFunctionArgs) {
  throw redirect(`/${params.org}/beitrag`, 303);
}

export async function action({ params }: ActionFunctionArgs) {
  return redirect(`/${params.org}/beitrag`, { status: 303, headers: { "Set-Cookie": await endReceiptSession() } });
}
