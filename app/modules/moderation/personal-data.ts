/**
 * Finds personal data in residents' free text before moderators publish it:
 * e-mail addresses, phone numbers, IBANs, German postal addresses, car number
 * plates and names of people (decision 31; measured by `npm run personal-data:measure`).
 *
 * This is a heuristic to help a human moderator, not a guarantee. It prefers a
 * small set of well-defined shapes over guessing; see the limitations below.
 *
 * Design:
 * - Pure and dependency-free. Offsets are UTF-16 code-unit offsets into the
 *   input (what `String.prototype.slice` uses).
 * - Linear time: every detector is a hand-written scanner that looks at a
 *   bounded window around each candidate. The only regular expressions run on
 *   the whole input are single-token shapes without nested quantifiers, so a
 *   hostile 10 000-character input cannot cause catastrophic backtracking.
 * - Each detector produces candidates; overlaps are resolved by kind priority
 *   (e-mail > IBAN > address > phone), then by length (longest first). The
 *   result is non-overlapping and sorted by start.
 *
 * Known limitations (deliberate trade-offs against false positives):
 * - Phones: a number without a leading 0 or + counts only after a keyword
 *   ("Tel.", "Telefon", "Handy", "Mobil", "Fax", "Rufnummer" ...). Dots are not
 *   accepted as separators (0511.123456) so dates and amounts stay out. A
 *   space followed by a new area code (0 + 2 digits) after six digits starts a
 *   new number; a run of more than 17 digits is dropped. Old-style account
 *   numbers starting with 0 ("Kontonummer 0123456789") are reported as phones.
 * - IBANs: letters+digits with single spaces anywhere, exact length per
 *   country (ISO 13616 registry) and mod-97; "DE 89 ..." style with other
 *   separators (dashes, dots) is not recognised.
 * - Addresses: street names need one of the listed suffixes, an adjective plus
 *   a suffix word ("Berliner Straße 5"), or a capitalised leading preposition
 *   ("Am Markt 3"; lower-case "am Markt 3" in running text is not recognised).
 *   House numbers are 1-3 digits (+ letter, + range). Forms like "Straße des
 *   17. Juni" or "Platz der Republik 1" are not recognised. Generic nouns
 *   ("Radweg", "Spielplatz", "Bundesstraße") followed by a number are not
 *   flagged unless introduced by a preposition ("Am Sportplatz 4"). A
 *   postcode + town is dropped when the "town" is a common counted noun
 *   ("25000 Einwohner") or follows an amount cue ("rund 12000 ...").
 * - Names of people: a first name from the list in first-names.ts (alone, or
 *   with the capitalised word after it as surname), a capitalised word after
 *   Frau/Herr/Familie/Dr., after a family word ("meine Tochter Lena", "Sohn
 *   Paul") or before an age in brackets ("Lena (8)"). Surnames alone ("Schulz
 *   hat angerufen"), lower-case names and first names missing from the list
 *   are not found; first names that are also words ("Ernst", "Mark") count only
 *   in one of the patterns. Hyphenated words ("Anna-Frank-Schule",
 *   "Karl-Marx-Straße") are names only when every part is a first name
 *   ("Anna-Lena").
 * - Car plates: "HH-AB 1234", "M XY 123E": a district code of 1-3 capitals, 1-2
 *   capitals, 1-4 digits; the district code is not checked against the list.
 */

import { AMBIGUOUS_FIRST_NAMES, FIRST_NAMES } from "./first-names";

export type PersonalDataKind = "email" | "phone" | "iban" | "address" | "plate" | "name";

export interface Finding {
  kind: PersonalDataKind;
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset after the last character. */
  end: number;
  /** `text.slice(start, end)` of the analysed input. */
  text: string;
}

export const REDACTION_PLACEHOLDERS: Readonly<Record<PersonalDataKind, string>> = {
  email: "[E-Mail entfernt]",
  phone: "[Telefonnummer entfernt]",
  iban: "[IBAN entfernt]",
  address: "[Anschrift entfernt]",
  plate: "[Kennzeichen entfernt]",
  name: "[Name entfernt]",
};

export function detectPersonalData(text: string): Finding[] {
  if (!text) return [];
  const candidates = [...findEmails(text), ...findIbans(text), ...findAddresses(text), ...findPhones(text), ...findPlates(text), ...findNames(text)];
  return resolveOverlaps(candidates);
}

/**
 * Replaces each finding's span. Findings may come in any order; overlapping
 * findings are merged into one replaced span (nothing between them survives).
 * Throws a RangeError if a finding does not belong to `text` (offsets out of
 * range or `finding.text` differs), so stale findings cannot redact the wrong
 * part of an edited text and leave the personal data visible.
 */
export function redact(
  text: string,
  findings: readonly Finding[],
  replacement: (f: Finding) => string = (f) => `[${f.kind}]`,
): string {
  for (const f of findings) {
    const valid =
      Number.isInteger(f.start) && Number.isInteger(f.end) && f.start >= 0 && f.start < f.end && f.end <= text.length;
    if (!valid || text.slice(f.start, f.end) !== f.text) {
      throw new RangeError(`finding ${f.kind} [${f.start}, ${f.end}) does not match the text`);
    }
  }
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let pos = 0;
  for (const f of sorted) {
    if (f.end <= pos) continue; // inside the span already replaced
    if (f.start < pos) {
      pos = f.end; // overlaps the previous span: widen it
      continue;
    }
    out += text.slice(pos, f.start) + replacement(f);
    pos = f.end;
  }
  return out + text.slice(pos);
}

export function suggestRedaction(text: string): { redacted: string; findings: Finding[] } {
  const findings = detectPersonalData(text);
  return { redacted: redact(text, findings, (f) => REDACTION_PLACEHOLDERS[f.kind]), findings };
}

// ---------------------------------------------------------------------------
// characters

type Ch = string | undefined;

const LETTER = /^[\p{L}\p{M}]$/u;
const UPPER = /^\p{Lu}$/u;

const isDigit = (c: Ch): boolean => c !== undefined && c >= "0" && c <= "9";
const isAsciiLetter = (c: Ch): boolean => c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
const isAsciiAlnum = (c: Ch): boolean => isDigit(c) || isAsciiLetter(c);
const isLetter = (c: Ch): boolean => c !== undefined && (isAsciiLetter(c) || (c > "\u007f" && LETTER.test(c)));
const isAlnum = (c: Ch): boolean => isDigit(c) || isLetter(c);
const isUpper = (c: Ch): boolean => c !== undefined && UPPER.test(c);
/** Space inside one line: normal, no-break, narrow no-break, thin. */
const isSpace = (c: Ch): boolean => c === " " || c === "\u00a0" || c === "\u202f" || c === "\u2009";

const finding = (text: string, kind: PersonalDataKind, start: number, end: number): Finding => ({
  kind,
  start,
  end,
  text: text.slice(start, end),
});

// ---------------------------------------------------------------------------
// overlaps

const PRIORITY: Record<PersonalDataKind, number> = { email: 0, iban: 1, address: 2, phone: 3, plate: 4, name: 5 };

function resolveOverlaps(candidates: Finding[]): Finding[] {
  const ordered = [...candidates].sort(
    (a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const accepted: Finding[] = [];
  // which characters an accepted finding already covers: a candidate is checked over its own span
  // only, so the whole pass stays linear in the text (comparing with every accepted finding was
  // quadratic in their number: 12 000 phone numbers took 0.6 s)
  const taken = new Uint8Array(candidates.reduce((max, c) => Math.max(max, c.end), 0));
  for (const c of ordered) {
    if (taken.subarray(c.start, c.end).includes(1)) continue;
    taken.fill(1, c.start, c.end);
    accepted.push(c);
  }
  return accepted.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------
// e-mail: anchored on "@", expanded left over the local part and right over the domain

const isLocalChar = (c: Ch): boolean =>
  isAsciiAlnum(c) || c === "." || c === "_" || c === "%" || c === "+" || c === "-" || (c !== undefined && c > "\u007f" && isLetter(c));
const isDomainChar = (c: Ch): boolean => isAlnum(c) || c === "-" || c === ".";
const TLD = /^(?:[\p{L}\p{M}]{2,63}|xn--[a-z0-9-]{1,59})$/iu;

function findEmails(text: string): Finding[] {
  const out: Finding[] = [];
  let floor = 0; // never reach back into the previous finding
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    if (at < floor) continue;
    let s = at;
    const limit = Math.max(floor, at - 65);
    while (s > limit && isLocalChar(text[s - 1])) s--;
    if (at - s > 64) continue; // longer than any local part
    while (s < at && text[s] === ".") s++;
    const local = text.slice(s, at);
    if (!local || local.endsWith(".") || local.includes("..")) continue;
    let e = at + 1;
    while (e < text.length && e - at <= 254 && isDomainChar(text[e])) e++;
    const domainLength = validDomainLength(text.slice(at + 1, e));
    if (!domainLength) continue;
    out.push(finding(text, "email", s, at + 1 + domainLength));
    floor = at + 1 + domainLength;
  }
  return out;
}

/** Length of the longest prefix of `domain` made of valid labels ending in a TLD (0 if none). */
function validDomainLength(domain: string): number {
  const labels = domain.split(".");
  let pos = 0;
  let best = 0;
  for (let k = 0; k < labels.length; k++) {
    const label = labels[k];
    if (!label || label.length > 63 || label.startsWith("-") || label.endsWith("-")) break;
    pos += label.length;
    if (k >= 1 && TLD.test(label)) best = pos;
    pos += 1;
  }
  return best;
}

// ---------------------------------------------------------------------------
// IBAN: country code + check digits, exact registry length, mod-97 (ISO 13616)

/** IBAN lengths by country (SWIFT IBAN registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616 check: check digits 02-98 and the rearranged number mod 97 equals 1. */
export function isValidIban(iban: string): boolean {
  const compact = iban.replace(/[\s\u00a0\u202f\u2009]/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  const check = compact.slice(2, 4);
  if (check === "00" || check === "01" || check === "99") return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    rest = code <= 57 ? (rest * 10 + (code - 48)) % 97 : (rest * 100 + (code - 55)) % 97;
  }
  return rest === 1;
}

function findIbans(text: string): Finding[] {
  const out: Finding[] = [];
  const start = /[A-Za-z]{2}\d{2}/g;
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const s = m.index;
    if (isAlnum(text[s - 1])) continue;
    const country = m[0].slice(0, 2).toUpperCase();
    const length = IBAN_LENGTHS[country];
    if (!length) continue;
    let compact = "";
    let i = s;
    let end = s;
    while (compact.length < length && i < text.length) {
      const c = text[i];
      if (isAsciiAlnum(c)) {
        compact += c;
        end = ++i;
      } else if (isSpace(c) && isAsciiAlnum(text[i + 1])) i++; // single spaces between groups
      else break;
    }
    if (compact.length !== length || isAlnum(text[end])) continue;
    compact = compact.toUpperCase();
    if (country === "DE" && !/^\d+$/.test(compact.slice(2))) continue; // German BBANs are numeric
    if (!isValidIban(compact)) continue;
    out.push(finding(text, "iban", s, end));
    start.lastIndex = end;
  }
  return out;
}

// ---------------------------------------------------------------------------
// phone numbers

const PHONE_MIN_DIGITS = 6;
const PHONE_MAX_DIGITS = 17; // 15 (E.164) + "00" prefix, or + a "(0)"
/** A phone keyword right before the number: then it may start with any digit. */
const PHONE_KEYWORD =
  /(?<![\p{L}])(?:tel(?:efon)?(?:nummer|nr)?|fon|rufnummer|handy(?:nummer|nr)?|mobil(?:nummer|nr|telefon|funk)?|fax|telefax|festnetz(?:nummer)?|whats[aA]pp|erreichbar unter|anrufen unter|unter der nummer)\.?(?:-?nr\.?)?\s*:?\s*$/iu;
/** A reference number right before the digits ("Az. 0815/2026", "Drucksache 0123/45"): not a phone. */
const REFERENCE_KEYWORD =
  /(?<![\p{L}])(?:nr|no|nummer|az|aktenzeichen|drucksache|drs|vorlage|flurstück|flur|gemarkung|geschäftszeichen|gz|vorgang|vorgangsnummer|kundennummer|ticket|isbn|issn|version|bebauungsplan|b-plan)\.?:?\s*$/iu;
/** dd-mm-yyyy, dd/mm/yy, yyyy-mm-dd, mm/yyyy: dates written with dashes or slashes. */
const DATE_SHAPE = /^(?:\d{1,2}[-/]\d{1,2}[-/]\d{2,4}|\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}[-/]\d{4})$/;
/** "0800-1600", "0900 - 1230": opening hours. */
const TIME_RANGE_SHAPE = /^[0-2]\d[0-5]\d ?[-–] ?[0-2]\d[0-5]\d$/;

function findPhones(text: string): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!(c === "+" || c === "(" || isDigit(c))) continue;
    if (!isPhoneStart(text, i)) continue;
    const before = text.slice(Math.max(0, i - 30), i);
    const keyword = PHONE_KEYWORD.test(before);
    const end = scanPhone(text, i, keyword);
    if (end < 0) continue;
    if (!keyword && REFERENCE_KEYWORD.test(before)) {
      i = end - 1;
      continue;
    }
    out.push(finding(text, "phone", i, end));
    i = end - 1;
  }
  return out;
}

/** A phone starts a run of digits; it is not the tail of a number, a decimal, or an alphanumeric code. */
function isPhoneStart(text: string, i: number): boolean {
  const prev = text[i - 1];
  if (isAlnum(prev) || prev === "+") return false;
  if (text[i] !== "(" && text[i] !== "+") {
    // "1,0511", "12:05", "12-0511", "3/0511": the continuation of another number
    if ((prev === "." || prev === "," || prev === ":" || prev === "-" || prev === "/" || prev === "–") && isDigit(text[i - 2])) {
      return false;
    }
  }
  // Walk back over digit groups separated by single spaces: a run glued to a letter is a code
  // ("DE12 3704 0044 ..."), not a phone. Bounded so the scan stays linear.
  let j = i - 1;
  for (let steps = 0; j >= 0; steps++) {
    if (steps > 40) return false; // a very long run of digit groups is not a phone number
    if (isDigit(text[j])) j--;
    else if (isSpace(text[j]) && isDigit(text[j - 1])) j--;
    else break;
  }
  if (j < i - 1 && isLetter(text[j])) return false;
  return true;
}

/** End of the phone number starting at `start`, or -1. */
function scanPhone(text: string, start: number, keyword: boolean): number {
  const first = text[start];
  let i = start;
  if (first === "+") {
    if (!isDigit(text[i + 1]) || text[i + 1] === "0") return -1;
    i++;
  } else if (first === "(") {
    const inner = text[i + 1];
    if (!(inner === "0" || inner === "+" || (keyword && isDigit(inner)))) return -1;
  } else if (first !== "0" && !keyword) return -1;

  let digits = 0;
  let groups = 0;
  let end = -1;
  for (;;) {
    if (isDigit(text[i])) {
      while (isDigit(text[i])) {
        i++;
        if (++digits > PHONE_MAX_DIGITS) return -1;
      }
    } else if (text[i] === "(") {
      // "(0511)" first, "(0)" trunk prefix, or an area code after "+1"
      let j = i + 1;
      if (text[j] === "+" && i === start) j++;
      const ds = j;
      while (isDigit(text[j]) && j - ds < 6) j++;
      if (j === ds || text[j] !== ")") break;
      const inner = text.slice(ds, j);
      if (!(i === start || inner === "0" || (first === "+" && groups === 1))) break;
      digits += j - ds;
      if (digits > PHONE_MAX_DIGITS) return -1;
      i = j + 1;
    } else break;
    groups++;
    end = i;
    let j = i;
    if (isSpace(text[j])) j++;
    let mark = false;
    if (text[j] === "-" || text[j] === "/" || text[j] === "–") {
      j++;
      mark = true;
      if (isSpace(text[j])) j++;
    }
    // "0511 123456 0170 1234567": after a complete number, a space and a new area code
    // (0 + at least two more digits) start the next number, as subscriber numbers never begin with 0
    if (!mark && j > i && text[j] === "0" && isDigit(text[j + 1]) && isDigit(text[j + 2]) && digits >= PHONE_MIN_DIGITS) break;
    if (isDigit(text[j]) || (text[j] === "(" && isDigit(text[j + 1]))) {
      i = j;
      continue;
    }
    break;
  }
  if (end < 0 || digits < PHONE_MIN_DIGITS) return -1;
  const after = text[end];
  if (isLetter(after)) return -1; // "0511123456abc": an identifier
  if ((after === "." || after === ",") && isDigit(text[end + 1])) return -1; // a decimal number
  const raw = text.slice(start, end);
  if (DATE_SHAPE.test(raw) || TIME_RANGE_SHAPE.test(raw)) return -1;
  // "012345 Bäume", "0123456 Euro": a counted amount
  const next = /^[ \u00a0]([\p{L}]+)/u.exec(text.slice(end, end + 40));
  if (!keyword && (UNIT_AFTER.test(text.slice(end, end + 24)) || (next && NOT_TOWNS.has(next[1].toLowerCase())))) return -1;
  return end;
}

// ---------------------------------------------------------------------------
// addresses

/** A capitalised word, optionally hyphenated ("Karl-Marx-Straße"). */
const WORD = /\p{Lu}[\p{L}\p{M}]*(?:-[\p{L}\p{M}]+)*/gu;
const WORD_AT = /\p{Lu}[\p{L}\p{M}]*(?:-[\p{L}\p{M}]+)*/uy;

function wordEnd(text: string, pos: number): number {
  WORD_AT.lastIndex = pos;
  const m = WORD_AT.exec(text);
  return m ? pos + m[0].length : -1;
}

const STREET_SUFFIXES = [
  "strasse", "straße", "chaussee", "allee", "platz", "gasse", "markt", "steig", "stieg", "damm", "pfad", "ring", "ufer", "weg",
] as const;
const BARE_STREET_WORDS = new Set([
  "straße", "strasse", "str", "weg", "allee", "platz", "gasse", "ring", "damm", "ufer", "chaussee", "steig", "pfad", "stieg", "markt",
]);
/** Nouns with a street suffix that name a kind of way or place, not a street. */
const GENERIC_WAYS = new Set([
  "radweg", "fußweg", "fussweg", "gehweg", "schulweg", "feldweg", "waldweg", "wanderweg", "rundweg", "umweg", "ausweg", "rückweg",
  "heimweg", "fluchtweg", "rettungsweg", "zugangsweg", "verbindungsweg", "fahrweg", "arbeitsweg", "seitenweg", "wirtschaftsweg",
  "radfahrweg", "spielplatz", "parkplatz", "stellplatz", "sportplatz", "arbeitsplatz", "bolzplatz", "sitzplatz",
  "festplatz", "wendeplatz", "abstellplatz", "ausbildungsplatz", "kitaplatz", "krippenplatz", "studienplatz", "behindertenparkplatz",
  "supermarkt", "wochenmarkt", "weihnachtsmarkt", "arbeitsmarkt", "wohnungsmarkt", "flohmarkt", "baumarkt", "getränkemarkt",
  "drogeriemarkt", "biomarkt", "bundesstraße", "landesstraße", "kreisstraße", "staatsstraße", "nebenstraße", "seitenstraße",
  "einbahnstraße", "durchgangsstraße", "spielstraße", "fahrradstraße", "anliegerstraße", "wohnstraße", "umgehungsstraße",
  "zufahrtsstraße", "erschließungsstraße", "planstraße", "hauptverkehrsstraße", "verkehrsstraße", "bahnsteig", "anstieg", "einstieg",
  "ausstieg", "aufstieg", "abstieg", "umstieg", "trampelpfad", "sackgasse", "rettungsgasse", "staudamm",
]);
/** Capitalised words ending like adjectives that do not name a street ("Diese Straße 3"). */
const NOT_STREET_ADJECTIVES = new Set([
  "diese", "dieser", "jede", "jeder", "eine", "einer", "keine", "keiner", "meine", "meiner", "deine", "deiner", "seine", "seiner",
  "ihre", "ihrer", "unsere", "unserer", "eure", "eurer", "welche", "welcher", "solche", "solcher", "andere", "anderer", "weitere",
  "weiterer", "jene", "jener", "manche", "mancher", "beide", "alle", "aller", "viele", "vieler", "einige", "mehrere", "erste",
  "erster", "zweite", "zweiter", "dritte", "dritter", "letzte", "letzter", "nächste", "nächster", "gleiche", "gleicher", "oder",
  "aber", "immer", "wieder", "über", "unter", "hinter", "sehr", "mehr", "bitte", "ecke", "ende", "seite", "gerne", "leider",
]);
const SINGLE_PREPOSITIONS = new Set(["Am", "Im", "Zum", "Zur", "Beim"]);
const DOUBLE_PREPOSITIONS = new Set(["An", "In", "Auf", "Unter", "Hinter", "Vor", "Bei"]);
const ARTICLES = ["der ", "den ", "dem "] as const;
/** Words after "Am/Im/Zur ..." that make it prose ("Am Montag 3 ...", "Im Abschnitt 2 ..."). */
const NOT_STREET_NAMES = new Set([
  "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag", "wochenende", "werktag", "feiertag",
  "januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember",
  "jahr", "jahre", "jahres", "vorjahr", "haushaltsjahr", "monat", "woche", "tag", "tage", "morgen", "vormittag", "mittag",
  "nachmittag", "abend", "nacht", "zeit", "zeitraum", "ende", "anfang", "beginn", "schluss", "rande", "rand", "rahmen", "zuge",
  "fall", "falle", "sinne", "moment", "augenblick", "vorfeld", "nachgang", "bereich", "abschnitt", "bauabschnitt", "absatz", "punkt",
  "tagesordnungspunkt", "top", "kapitel", "seite", "anlage", "anhang", "tabelle", "abbildung", "grafik", "bild", "foto", "video",
  "dokument", "datei", "gutachten", "plan", "bebauungsplan", "entwurf", "paragraph", "paragraphen", "paragraf", "paragrafen",
  "artikel", "gesetz", "teil", "band", "ausgabe", "frage", "antwort", "nummer", "position", "runde", "phase", "stufe", "variante",
  "sitzung", "vergleich", "durchschnitt", "schnitt", "mittel", "grunde", "ganzen", "beispiel", "regel", "summe", "schritt",
  "minute", "stunde", "uhr", "klasse", "gruppe", "raum", "zimmer", "saal", "haus", "gebäude", "block", "stock", "stockwerk", "etage",
  "bus", "linie", "zug", "gleis", "bahnsteig", "tisch", "kreis", "bezirk", "ortsteil", "stadtteil", "wahlkreis", "wahllokal",
  "halle", "zone", "feld", "baufeld", "los", "spalte", "zeile", "liste", "kategorie", "alter", "prozent", "euro", "vorlage",
  "stelle", "kreuzung", "ampel", "haltestelle", "einmündung", "ecke", "grenze", "spitze", "reihe", "strecke", "kurve",
]);
/** Capitalised nouns that follow a counted number, not a postcode ("25000 Einwohner"). */
const NOT_TOWNS = new Set([
  "euro", "eur", "cent", "dollar", "franken", "pfund", "einwohner", "einwohnerinnen", "einwohnende", "menschen", "personen",
  "besucher", "besucherinnen", "bürger", "bürgerinnen", "stimmen", "unterschriften", "haushalte", "wohnungen", "fahrzeuge", "autos",
  "pkw", "lkw", "kfz", "bäume", "quadratmeter", "kubikmeter", "meter", "kilometer", "hektar", "jahre", "jahren", "tonnen", "liter",
  "stück", "teilnehmende", "teilnehmer", "teilnehmerinnen", "mitglieder", "beschäftigte", "arbeitsplätze", "kinder", "schüler",
  "schülerinnen", "studierende", "exemplare", "seiten", "zeichen", "mal", "punkte", "stunden", "minuten", "sekunden", "tage", "tagen",
  "wochen", "monate", "monaten", "zuschauer", "gäste", "fälle", "fällen", "anträge", "anfragen", "beiträge", "kommentare",
  "stellungnahmen", "einwendungen", "mails", "e-mails", "briefe", "fahrten", "fahrgäste", "pendler", "nutzer", "nutzerinnen",
  "klicks", "aufrufe", "downloads", "plätze", "stellplätze", "parkplätze", "betten", "mitarbeitende", "mitarbeiter", "angestellte",
  "kunden", "unternehmen", "betriebe", "gebäude", "häuser", "kilowatt", "kilowattstunden", "megawatt", "grad", "kwh",
]);
/** A word before five digits that makes them an amount ("rund 12000 ..."). */
const AMOUNT_CUE = /(?<![\p{L}])(?:rund|etwa|ca\.|circa|zirka|über|knapp|fast|insgesamt|mehr als|weniger als|bis zu|bis|von|je|pro|nur|ungefähr|mindestens|höchstens|maximal|zusätzlich|weitere)\s+$/iu;
/** A unit or counted noun right after the number: "Radweg 3 Meter", "Hauptstraße 5 Minuten". */
const UNIT_AFTER =
  /^[ \u00a0]?(?:m|km|cm|mm|qm|m²|m2|ha|kg|t|h|min|sek|std|%|€|euro|eur|cent|prozent|mal|stück|meter|kilometer|jahre?n?|monate?n?|wochen?|tage?n?|stunden?|minuten?|sekunden?|uhr|personen|leute|menschen|anwohner(?:innen)?|anwohnende|bäume|plätze|parkplätze|stellplätze|wohnungen|häuser|kinder|autos|fahrzeuge|etagen|stockwerke|geschosse|grad|km\/h)(?![\p{L}\p{N}])/iu;
const TOWN_PREFIXES = ["Bad ", "Sankt ", "St. "] as const;
const TOWN_CONNECTORS = [" am ", " an der ", " ob der ", " in der ", " im ", " a. d. ", " a. ", " i. "] as const;

function findAddresses(text: string): Finding[] {
  const out: Finding[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const s = m.index;
    const prev = text[s - 1];
    if (isAlnum(prev) || prev === "-") continue;
    const f = streetAt(text, s, s + m[0].length, m[0]);
    if (f) out.push(f);
  }
  out.push(...findPostcodeTowns(text));
  return out;
}

/** The address starting with the capitalised word [s, e), if any. */
function streetAt(text: string, s: number, e: number, word: string): Finding | null {
  // "Am Markt 3", "An der Kirche 5"
  let namePos = -1;
  if (SINGLE_PREPOSITIONS.has(word) && text[e] === " ") namePos = e + 1;
  else if (DOUBLE_PREPOSITIONS.has(word) && text[e] === " ") {
    const article = ARTICLES.find((a) => text.startsWith(a, e + 1));
    if (article) namePos = e + 1 + article.length;
  }
  if (namePos >= 0) return prepositionStreet(text, s, namePos);

  // "Musterstraße 12", "Hauptstr. 5a", "Goethe-Platz 1"
  const compoundEnd = compoundStreetEnd(text, s, e);
  if (compoundEnd >= 0) return addressWithNumber(text, s, numberStart(text, compoundEnd), false);

  // "Berliner Straße 5", "Alte Str. 3"
  const lower = word.toLowerCase();
  if (
    lower.length >= 4 &&
    (lower.endsWith("e") || lower.endsWith("er")) &&
    !NOT_STREET_ADJECTIVES.has(lower) &&
    !BARE_STREET_WORDS.has(lower) &&
    text[e] === " "
  ) {
    const e2 = wordEnd(text, e + 1);
    if (e2 >= 0 && BARE_STREET_WORDS.has(text.slice(e + 1, e2).toLowerCase())) {
      const streetEnd = text.slice(e + 1, e2).toLowerCase() === "str" && text[e2] === "." ? e2 + 1 : e2;
      return addressWithNumber(text, s, numberStart(text, streetEnd), false);
    }
  }
  return null;
}

function prepositionStreet(text: string, s: number, namePos: number): Finding | null {
  const e1 = wordEnd(text, namePos);
  if (e1 < 0 || NOT_STREET_NAMES.has(text.slice(namePos, e1).toLowerCase())) return null;
  let headStart = namePos;
  let headEnd = e1;
  let num = numberStart(text, e1);
  if (num < 0 && text[e1] === " ") {
    // two-word names: "Am Alten Markt 3"
    const e2 = wordEnd(text, e1 + 1);
    if (e2 < 0 || NOT_STREET_NAMES.has(text.slice(e1 + 1, e2).toLowerCase())) return null;
    headStart = e1 + 1;
    headEnd = e2;
    num = numberStart(text, e2);
  }
  if (num < 0) return null;
  // "In der Musterstraße 12": the street is "Musterstraße 12"; the compound rule reports it.
  if (compoundStreetEnd(text, headStart, headEnd) >= 0) return null;
  return addressWithNumber(text, s, num, true);
}

/** End of a street name word with a suffix ("Musterstraße", "Hauptstr."), or -1. */
function compoundStreetEnd(text: string, s: number, e: number): number {
  const lower = text.slice(s, e).toLowerCase();
  const lastPart = lower.slice(lower.lastIndexOf("-") + 1);
  if (GENERIC_WAYS.has(lastPart)) return -1;
  const prefixOk = (suffixLength: number) => lower.slice(0, lower.length - suffixLength).replace(/-$/, "").length >= 2;
  if (lower.endsWith("str")) return prefixOk(3) ? (text[e] === "." ? e + 1 : e) : -1;
  for (const suffix of STREET_SUFFIXES) {
    if (!lower.endsWith(suffix)) continue;
    if (!prefixOk(suffix.length)) return -1;
    if (suffix === "ufer" && /(?:käufer|kaeufer|läufer|laeufer|rufer)$/.test(lower) && !lower.endsWith("-ufer")) return -1;
    return e;
  }
  return -1;
}

/** Where the house number starts after a street name ending at `streetEnd`, or -1. */
function numberStart(text: string, streetEnd: number): number {
  if (streetEnd < 0) return -1;
  if (isSpace(text[streetEnd]) && isDigit(text[streetEnd + 1])) return streetEnd + 1;
  if (text[streetEnd - 1] === "." && isDigit(text[streetEnd])) return streetEnd; // "Hauptstr.5"
  return -1;
}

/** End of a house number "12", "5a", "12-14", "3/5", or -1. */
function houseNumberEnd(text: string, i: number): number {
  const digitsEnd = (p: number): number => {
    if (!isDigit(text[p]) || text[p] === "0") return -1;
    let q = p + 1;
    while (isDigit(text[q]) && q - p < 3) q++;
    if (isDigit(text[q])) return -1; // four digits and more: a year or an amount
    if (isAsciiLetter(text[q]) && !isLetter(text[q + 1])) q++; // "5a"
    return q;
  };
  let end = digitsEnd(i);
  if (end < 0) return -1;
  if (text[end] === "-" || text[end] === "–" || text[end] === "/") {
    const rangeEnd = digitsEnd(end + 1);
    if (rangeEnd > 0 && !isAlnum(text[rangeEnd])) end = rangeEnd;
  }
  if (isAlnum(text[end])) return -1;
  if ((text[end] === "." || text[end] === ",") && isDigit(text[end + 1])) return -1; // "1,5 km", "12.03.2026"
  return end;
}

function addressWithNumber(text: string, s: number, num: number, strict: boolean): Finding | null {
  if (num < 0) return null;
  const end = houseNumberEnd(text, num);
  if (end < 0) return null;
  const tail = text.slice(end, end + 24);
  if (UNIT_AFTER.test(tail)) return null;
  const withTown = extendWithPostcode(text, end);
  if (withTown > end) return finding(text, "address", s, withTown);
  // after "Am Montag 3", "Zur Sitzung 5" a counted noun follows: prose, not an address
  if (strict && isSpace(text[end]) && isUpper(text[end + 1])) return null;
  return finding(text, "address", s, end);
}

/** ", 31134 Musterstadt" (or on the next line) after a house number. */
function extendWithPostcode(text: string, end: number): number {
  let j = end;
  const comma = text[j] === ",";
  if (comma) j++;
  let spaces = 0;
  while (spaces < 3 && (isSpace(text[j]) || text[j] === "\n" || text[j] === "\r" || text[j] === "\t")) {
    j++;
    spaces++;
  }
  if (!comma && spaces === 0) return end;
  const townEnd = postcodeTownEnd(text, j);
  return townEnd > 0 ? townEnd : end;
}

/** End of "31134 Musterstadt" / "D-31134 Musterstadt" starting at `p`, or -1. */
function postcodeTownEnd(text: string, p: number): number {
  let i = p;
  if (text[i] === "D" && text[i + 1] === "-") i += 2;
  for (let k = 0; k < 5; k++) if (!isDigit(text[i + k])) return -1;
  if (isDigit(text[i + 5]) || text.startsWith("00", i)) return -1;
  i += 5;
  if (!isSpace(text[i])) return -1;
  return townEnd(text, i + 1);
}

function townEnd(text: string, pos: number): number {
  let i = pos;
  const prefix = TOWN_PREFIXES.find((p) => text.startsWith(p, i) && isUpper(text[i + p.length]));
  if (prefix) i += prefix.length;
  const e = wordEnd(text, i);
  if (e < 0 || e - i < 2 || NOT_TOWNS.has(text.slice(i, e).toLowerCase())) return -1;
  let end = e;
  if (text[end] === " " && text[end + 1] === "(") {
    const inner = wordEnd(text, end + 2); // "Halle (Saale)"
    if (inner > 0 && text[inner] === ")") end = inner + 1;
  } else if (text[end] === "/" && isUpper(text[end + 1])) {
    end = Math.max(end, wordEnd(text, end + 1)); // "Frankfurt/Oder"
  } else {
    const connector = TOWN_CONNECTORS.find((c) => text.startsWith(c, end));
    if (connector) {
      const wordStart = end + connector.length;
      const we = wordEnd(text, wordStart); // "Frankfurt am Main", "Mülheim an der Ruhr"
      if (we > 0 && !NOT_STREET_NAMES.has(text.slice(wordStart, we).toLowerCase())) end = we;
    }
  }
  return end;
}

/** "31134 Musterstadt" on its own. */
function findPostcodeTowns(text: string): Finding[] {
  const out: Finding[] = [];
  const fiveDigits = /\d{5}/g;
  for (let m = fiveDigits.exec(text); m; m = fiveDigits.exec(text)) {
    let s = m.index;
    if (isDigit(text[s - 1]) || isDigit(text[s + 5])) {
      // part of a longer number: skip the rest of it
      let q = s + 5;
      while (isDigit(text[q])) q++;
      fiveDigits.lastIndex = q;
      continue;
    }
    if (text[s - 1] === "-" && text[s - 2] === "D" && !isAlnum(text[s - 3])) s -= 2;
    const prev = text[s - 1];
    if (isLetter(prev) || ((prev === "." || prev === ",") && isDigit(text[s - 2]))) continue;
    const before = text.slice(Math.max(0, s - 30), s);
    if (AMOUNT_CUE.test(before) || REFERENCE_KEYWORD.test(before) || PHONE_KEYWORD.test(before)) continue;
    const end = postcodeTownEnd(text, s);
    if (end > 0) out.push(finding(text, "address", s, end));
  }
  return out;
}

// ---------------------------------------------------------------------------
// car number plates

/** "HH-AB 1234", "M XY 123", "B-C 12E": district, letters, digits (E: electric, H: historic). */
const PLATE = /\p{Lu}{1,3}[- ]\p{Lu}{1,2}[ -]?[1-9]\d{0,3}[EH]?(?![\p{L}\p{N}])/gu;

function findPlates(text: string): Finding[] {
  const out: Finding[] = [];
  PLATE.lastIndex = 0;
  for (let m = PLATE.exec(text); m; m = PLATE.exec(text)) {
    // checked here, not as a lookbehind: that would run at every position of the text
    if (isAlnum(text[m.index - 1]) || text[m.index - 1] === "-") {
      PLATE.lastIndex = m.index + 1;
      continue;
    }
    // letters only in capitals: "A B 12" in prose is rare, but a single letter + single letter
    // + one digit ("A B 1") is more often a list than a plate
    if (/^\p{Lu}[- ]\p{Lu} ?\d$/u.test(m[0])) continue;
    if (/^(?:DIN|ISO|EN)[- ]/u.test(m[0])) continue; // "DIN A4": a paper size
    out.push(finding(text, "plate", m.index, m.index + m[0].length));
  }
  return out;
}

// ---------------------------------------------------------------------------
// names of people

/** Words before a name that say a person is meant ("Frau Schulz", "Familie Öztürk"). */
const TITLES = new Set(["frau", "herr", "herrn", "familie", "fam", "hr", "fr", "dr", "prof", "professor", "professorin", "doktor"]);
/** Family and other relations before a name ("meine Tochter Lena", "Nachbar Paul"). */
const RELATIONS = new Set([
  "tochter", "sohn", "söhne", "töchter", "kind", "kinder", "enkel", "enkelin", "enkelkind", "enkelkinder", "mann", "ehemann", "frau",
  "ehefrau", "partner", "partnerin", "lebensgefährte", "lebensgefährtin", "freund", "freundin", "nachbar", "nachbarin", "nachbarn",
  "mutter", "vater", "mama", "papa", "oma", "opa", "großmutter", "großvater", "bruder", "schwester", "cousin", "cousine", "tante",
  "onkel", "neffe", "nichte", "schwiegermutter", "schwiegervater", "schwiegersohn", "schwiegertochter", "kollege", "kollegin",
  "mitbewohner", "mitbewohnerin", "pflegekind", "stiefsohn", "stieftochter", "zwillinge",
]);
const POSSESSIVES = /(?:^|[^\p{L}])(?:mein|meine|meinem|meinen|meiner|unser|unsere|unserem|unseren|unserer|dein|deine|deinem|deinen|deiner|sein|seine|seinem|seinen|seiner|ihr|ihre|ihrem|ihren|ihrer)\s+$/iu;
/** Capitalised words after a title or relation that are not a name ("Frau Bürgermeisterin"). */
const NOT_NAMES = new Set([
  "bürgermeister", "bürgermeisterin", "oberbürgermeister", "oberbürgermeisterin", "stadtrat", "stadträtin", "ratsherr", "ratsfrau",
  "abgeordnete", "abgeordneter", "minister", "ministerin", "präsident", "präsidentin", "doktor", "professor", "professorin", "pfarrer",
  "pfarrerin", "direktor", "direktorin", "vorsitzende", "vorsitzender", "landrat", "landrätin", "ortsvorsteher", "ortsvorsteherin",
  "dezernent", "dezernentin", "amtsleiter", "amtsleiterin", "beigeordnete", "beigeordneter", "kollege", "kollegin", "nachbar",
  "nachbarin", "gott", "jesus", "und", "oder", "aber", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem",
  "ist", "hat", "war", "wird", "kann", "muss", "soll", "sagt", "sagte", "meint", "findet", "geht", "fährt", "kommt", "wohnt", "auch",
  "schon", "noch", "nicht", "immer", "jeden", "jede", "jeder", "alle", "viele", "beide", "mit", "ohne", "von", "vom", "zum", "zur",
  "im", "am", "an", "in", "auf", "bei", "nach", "vor", "für", "wegen", "ich", "wir", "sie", "er", "es", "ihr", "man", "dass", "wenn",
  "weil", "als", "wie", "bitte", "danke", "hallo", "liebe", "lieber", "sehr", "geehrte", "geehrter", "straße", "strasse", "weg", "platz",
  "schule", "kita", "kirche", "park", "bahnhof", "rathaus", "stadt", "gemeinde", "verwaltung", "radweg", "radwege",
]);
/** Before an ambiguous first name, an article or preposition makes it a word ("im August", "die Linde"). */
const ARTICLE_BEFORE = /(?:^|[^\p{L}])(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|im|am|vom|zum|zur|beim|ins|ans|in|an|auf|unter|bis|seit|ab|ende|anfang|mitte|sankt|st\.|bad|hl\.)\s+$/iu;
/** "(8)", "(8 J.)", "(12 Jahre)": an age after a name. */
const AGE_AFTER = /^ ?\((?:[1-9]\d?|1[01]\d)(?: ?(?:J\.|Jahre|Jahren|jahre|jahren|Monate))?\)/u;
/** ", 8 Jahre": an age after a name, with a comma. */
const AGE_COMMA_AFTER = /^, (?:[1-9]\d?) (?:Jahre|J\.)/u;

interface Word {
  start: number;
  end: number;
  lower: string;
}

/** Every capitalised word of the text (hyphenated ones whole). */
function capitalisedWords(text: string): Word[] {
  const words: Word[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const prev = text[m.index - 1];
    if (isAlnum(prev) || prev === "-") continue;
    words.push({ start: m.index, end: m.index + m[0].length, lower: m[0].toLowerCase() });
  }
  return words;
}

/** A first name from the list; hyphenated ("Anna-Lena") when every part is one. */
const isFirstName = (lower: string) => lower.split("-").every((part) => FIRST_NAMES.has(part));
const isAmbiguous = (lower: string) => !lower.includes("-") && AMBIGUOUS_FIRST_NAMES.has(lower);

/** A capitalised word that can be a surname: not a common word, not a street, not hyphenated into a place. */
function surnameLike(text: string, w: Word | undefined): boolean {
  if (!w || NOT_NAMES.has(w.lower) || NOT_STREET_NAMES.has(w.lower) || NOT_TOWNS.has(w.lower)) return false;
  if (w.end - w.start < 2 || compoundStreetEnd(text, w.start, w.end) >= 0) return false;
  if (/^\p{Lu}+$/u.test(text.slice(w.start, w.end))) return false; // "HH", "ICE": abbreviations
  return true;
}

/** The words directly after `w` (one space between) that continue a name: more first names, then one surname. */
function nameEnd(text: string, words: Word[], k: number): number {
  let end = words[k].end;
  let j = k + 1;
  const next = () => (j < words.length && words[j].start === end + 1 && text[end] === " " ? words[j] : undefined);
  while (next() && isFirstName(words[j].lower) && !isAmbiguous(words[j].lower) && surnameLike(text, words[j])) end = words[j++].end;
  const surname = next();
  if (surname && surnameLike(text, surname) && !isStreetAfter(text, surname)) end = surname.end;
  return end;
}

/** "Goethe Straße 3": the word is part of a street name. */
const isStreetAfter = (text: string, w: Word) => /^ (?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring)\b/u.test(text.slice(w.end, w.end + 10));

function findNames(text: string): Finding[] {
  const out: Finding[] = [];
  const words = capitalisedWords(text);
  let covered = 0;
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (w.start < covered) continue;
    // the word before (a title or a relation), from the capitalised words already found
    const prev = k > 0 ? words[k - 1] : undefined;
    const gap = prev ? text.slice(prev.end, w.start) : "";
    const titled = prev !== undefined && (gap === " " || gap === ". ") && TITLES.has(prev.lower);
    const first = isFirstName(w.lower);
    const related =
      prev !== undefined &&
      (gap === " " || gap === ", ") &&
      RELATIONS.has(prev.lower) &&
      (first || POSSESSIVES.test(text.slice(Math.max(0, prev.start - 10), prev.start)));
    const next = text[w.end];
    const aged = (next === " " || next === "(" || next === ",") && (AGE_AFTER.test(text.slice(w.end, w.end + 16)) || AGE_COMMA_AFTER.test(text.slice(w.end, w.end + 16)));
    if (!first && !titled && !related && !aged) continue;
    const before = text.slice(Math.max(0, w.start - 12), w.start);
    let end = -1;
    if ((titled || related) && surnameLike(text, w) && !TITLES.has(w.lower)) end = nameEnd(text, words, k);
    else if (aged && (first || surnameLike(text, w)) && !NOT_NAMES.has(w.lower) && (first || related)) end = w.end;
    else if (first && !isStreetAfter(text, w) && text[w.end] !== "-") {
      const ambiguous = isAmbiguous(w.lower);
      const withSurname = nameEnd(text, words, k);
      if (!ambiguous && !/(?:sankt|st\.|bad|hl\.) $/iu.test(before)) end = withSurname;
      else if (ambiguous && withSurname > w.end && !ARTICLE_BEFORE.test(before)) end = withSurname;
      else if (ambiguous && aged) end = w.end;
    }
    if (end < 0) continue;
    out.push(finding(text, "name", w.start, end));
    covered = end;
  }
  return out;
}
