/** Before the HTTP and browser suites: a fresh production build of the app. */
// @ts-expect-error plain JS helper shared with npm start
import { buildIfStale } from "../../scripts/build-if-stale.js";

export default function setup() {
  buildIfStale({ quiet: true });
}
