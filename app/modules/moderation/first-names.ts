/**
 * First names for the personal-data check (decision 31).
 *
 * Source: the German (≈ 2 250) and Turkish (≈ 220) first-name lists of the npm package
 * `gender-detection-from-name` (MIT licence, © Davide Violante), loaded as they ship. Names that
 * are also everyday German words ("Ernst", "Mark", "August", "Rose", "Nur") are marked ambiguous:
 * they count only in a pattern that says a person is meant (Frau/Herr X, meine Tochter X, X (8),
 * or a first name followed by a surname where no article or preposition stands before it).
 */
import germanNames from "gender-detection-from-name/names/de.js";
import turkishNames from "gender-detection-from-name/names/tr.js";

/** Lower-case first names, two letters and longer. */
export const FIRST_NAMES: ReadonlySet<string> = new Set([...germanNames.keys(), ...turkishNames.keys()].filter((n) => [...n].length > 2));

/** First names that are also German words (nouns, adjectives, verb forms, months, towns). */
export const AMBIGUOUS_FIRST_NAMES: ReadonlySet<string> = new Set([
  "august", "bill", "can", "carina", "elle", "ernst", "fedora", "flora", "florenz", "frank", "gottlob", "gül", "hagen", "heide", "hyazinth",
  "iris", "jan", "jasmin", "job", "kai", "kasper", "linde", "magd", "malte", "marine", "mark", "max", "mine", "nur", "phil", "regina", "reiner",
  "rock", "roman", "rosa", "rose", "sofia", "stella", "urban", "verona", "viola", "violette", "vital", "wolf", "wille", "will", "ilse",
]);
