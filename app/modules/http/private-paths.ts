/**
 * Pages that show a receipt code or personal data (the resident's own behind the code, what they
 * just entered, everything behind a staff sign-in): `Cache-Control: no-store`, so no browser or
 * shared cache keeps them — on a shared computer, Back after leaving must not bring them back.
 */
const PRIVATE = [
  /^\/[^/]+\/beitrag(\/|$)/, // the receipt-code look-up and everything behind it
  /^\/[^/]+\/verfahren\/[^/]+\/(pruefen|bestaetigung)\/?$/, // check your answers (contact data), the receipt code
  /^\/[^/]+\/barrierefreiheit\/melden(\/|$)/, // a barrier report with contact data, its confirmation
  /^\/[^/]+\/benachrichtigung(\/|$)/, // e-mail alerts: the address typed, links holding an alert's secret
  /^\/[^/]+\/verwaltung(\/|$)/, // the staff area
  /^\/(anmelden|einladung)(\/|$)/, // sign-in, second factor, one-time links
];

export function isPrivatePath(pathname: string): boolean {
  return PRIVATE.some((pattern) => pattern.test(pathname));
}
