/**
 * Resident pages render no scripts, so this file is only built, never loaded by them.
 * It is kept so staff pages can hydrate later (see docs/decisions/0002-no-javascript-for-residents.md).
 */
import { RemixBrowser } from "@remix-run/react";
import { startTransition } from "react";
import { hydrateRoot } from "react-dom/client";

startTransition(() => {
  hydrateRoot(document, <RemixBrowser />);
});
