/** Sign out: the session ends on the server, not only in the browser. */
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { signOut } from "~/modules/accounts/sign-in.server";
import { requirePost, withErrorPages } from "~/modules/http/route-errors.server";

export function loader() {
  return redirect("/anmelden", 303);
}

export async function action({ request, context }: ActionFunctionArgs) {
  return withErrorPages(async () => {
    requirePost(request);
    const db = getDb();
    const cleared = await signOut(db, request, context?.clientAddress);
    return redirect("/anmelden?hinweis=signedOut", { status: 303, headers: { "Set-Cookie": cleared } });
  });
}

/** Only reached when signing out fails (e.g. a request from another site): the root error page shows. */
export default function SignOutPage() {
  return null;
}
