/** Before the HTTP and browser suites: a fresh production build of the app. */
import { buildIfStale } from "../../scripts/build-if-stale.js";

export default function setup() {
  buildIfStale({ quiet: true });
}
