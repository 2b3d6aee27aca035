/**
 * The accessibility statement: its shape, the product's own known limitations (translated into every
 * language, each admin decides which apply) and the defaults an organisation starts with.
 */
import type { Conformance, LegalFramework, StatementMethod } from "#db/schema";
import { isIsoDay } from "~/i18n/dates";
import { codePointLength, normaliseText, type FieldError } from "~/modules/forms/fields";
import { checkText } from "./reports";

export const CONFORMANCE: readonly Conformance[] = ["full", "partial", "none"];
export const METHODS: readonly StatementMethod[] = ["self_assessment", "external_test"];

/**
 * Known limitations of this product, honestly stated; texts in `accessibility:limitations.<key>`
 * (part, reason, alternative).
 */
export const STANDARD_LIMITATIONS = ["documents", "maps", "procedureLanguages", "signLanguage", "charts"] as const;
export type StandardLimitation = (typeof STANDARD_LIMITATIONS)[number];

export interface CustomLimitation {
  part: string;
  reason: string;
  alternative: string;
}

export interface Statement {
  conformance: Conformance;
  method: StatementMethod;
  preparedOn: string;
  reviewedOn: string;
  standardLimitations: StandardLimitation[];
  customLimitations: CustomLimitation[];
  /** the accessibility law of the municipality (an organisation setting, saved with the statement) */
  legalFramework: LegalFramework;
  federalBody: string;
  stateBody: string;
  /** false while the organisation has not saved its own statement yet */
  saved: boolean;
}

/** The accessibility laws a municipality can be under: its state's (Lower Saxony first, the default) or the federal one. */
export const LEGAL_FRAMEWORKS: readonly LegalFramework[] = ["ni", "federal"];
export const DEFAULT_LEGAL_FRAMEWORK: LegalFramework = "ni";

/**
 * The conciliation body under the Lower Saxony law (NBGG): at the state commissioner for people with
 * disabilities. Municipalities are state bodies; the federal body (§ 16 BGG) does not take their cases.
 */
export const DEFAULT_STATE_BODY: Readonly<Record<Exclude<LegalFramework, "federal">, string>> = {
  ni: [
    "Schlichtungsstelle nach dem Niedersächsischen Behindertengleichstellungsgesetz (NBGG)",
    "bei der Landesbeauftragten für Menschen mit Behinderungen des Landes Niedersachsen",
    "Hannah-Arendt-Platz 2, 30159 Hannover",
  ].join("\n"),
};

/** The conciliation body for federal bodies only (§ 16 BGG). */
export const DEFAULT_FEDERAL_BODY = [
  "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)",
  "bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen",
  "Mauerstraße 53, 10117 Berlin",
  "Telefon: 030 18 527-2805",
  "E-Mail: info@schlichtungsstelle-bgg.de",
  "Internet: www.schlichtungsstelle-bgg.de",
].join("\n");

/** The conciliation body residents are sent to: the one of the organisation's legal framework. */
export function conciliationBody(s: Pick<Statement, "legalFramework" | "federalBody" | "stateBody">): string {
  if (s.legalFramework === "federal") return s.federalBody || DEFAULT_FEDERAL_BODY;
  return s.stateBody || DEFAULT_STATE_BODY[s.legalFramework];
}

/** What an organisation that has not written its own statement shows: partly accessible, self-assessed. */
export function defaultStatement(createdAt: string, legalFramework: LegalFramework = DEFAULT_LEGAL_FRAMEWORK): Statement {
  const day = createdAt.slice(0, 10);
  return {
    conformance: "partial",
    method: "self_assessment",
    preparedOn: day,
    reviewedOn: day,
    standardLimitations: [...STANDARD_LIMITATIONS],
    customLimitations: [],
    legalFramework,
    federalBody: legalFramework === "federal" ? DEFAULT_FEDERAL_BODY : "",
    stateBody: legalFramework === "federal" ? "" : DEFAULT_STATE_BODY[legalFramework],
    saved: false,
  };
}

export const STATEMENT_LIMITS = { part: 300, reason: 1000, alternative: 1000, body: 1000, customCount: 10 } as const;
/** Empty rows the editor offers for new limitations (no JavaScript to add rows). */
export const EMPTY_CUSTOM_ROWS = 2;

/** message: a key in the "barriers" namespace */
export type StatementError = FieldError;


/** The editor's form, checked. `malformed` for a form no page of ours produces. */
export function validateStatement(
  fields: Map<string, string[]>,
  today: string,
): { ok: boolean; statement: Statement; errors: StatementError[] } | { malformed: "unknown_field" | "repeated_field" } {
  const known = /^(conformance|method|legal_framework|prepared_on|reviewed_on|standard|federal_body|state_body|custom_(\d+)_(part|reason|alternative))$/;
  for (const [name, list] of fields) {
    const m = known.exec(name);
    if (!m || (m[2] !== undefined && Number(m[2]) >= STATEMENT_LIMITS.customCount + EMPTY_CUSTOM_ROWS)) return { malformed: "unknown_field" };
    if (list.length > 1 && name !== "standard") return { malformed: "repeated_field" };
  }
  const one = (name: string) => normaliseText(fields.get(name)?.[0] ?? "");
  const errors: StatementError[] = [];
  const conformance = one("conformance") as Conformance;
  if (!CONFORMANCE.includes(conformance)) errors.push({ field: "conformance", message: "statement.errors.choose" });
  const method = one("method") as StatementMethod;
  if (!METHODS.includes(method)) errors.push({ field: "method", message: "statement.errors.choose" });
  const preparedOn = one("prepared_on");
  const reviewedOn = one("reviewed_on");
  for (const [field, value] of [["prepared_on", preparedOn], ["reviewed_on", reviewedOn]] as const) {
    if (value === "") errors.push({ field, message: "statement.errors.required" });
    else if (!isIsoDay(value)) errors.push({ field, message: "statement.errors.date" });
    else if (value > today) errors.push({ field, message: "statement.errors.future" });
  }
  if (!errors.some((e) => e.field === "reviewed_on" || e.field === "prepared_on") && reviewedOn < preparedOn) {
    errors.push({ field: "reviewed_on", message: "statement.errors.reviewBeforePrepared" });
  }
  const standard = fields.get("standard") ?? [];
  if (standard.some((s) => !(STANDARD_LIMITATIONS as readonly string[]).includes(s))) return { malformed: "unknown_field" };
  const custom: CustomLimitation[] = [];
  for (let i = 0; i < STATEMENT_LIMITS.customCount + EMPTY_CUSTOM_ROWS; i++) {
    const row = { part: one(`custom_${i}_part`), reason: one(`custom_${i}_reason`), alternative: one(`custom_${i}_alternative`) };
    if (!row.part && !row.reason && !row.alternative) continue;
    const index = custom.length;
    if (index >= STATEMENT_LIMITS.customCount) {
      errors.push({ field: `custom_${i}_part`, message: "statement.errors.tooMany", params: { max: STATEMENT_LIMITS.customCount } });
      break;
    }
    for (const key of ["part", "reason", "alternative"] as const) {
      const message = checkText(row[key], { max: STATEMENT_LIMITS[key], required: key !== "alternative", multiline: key !== "part" });
      if (message) errors.push({ field: `custom_${i}_${key}`, message: message.replace("form.errors.", "statement.errors."), params: { max: STATEMENT_LIMITS[key], length: codePointLength(row[key]) } });
    }
    custom.push(row);
  }
  const legalFramework = (one("legal_framework") || DEFAULT_LEGAL_FRAMEWORK) as LegalFramework;
  if (!LEGAL_FRAMEWORKS.includes(legalFramework)) return { malformed: "unknown_field" };
  const federalBody = one("federal_body");
  const stateBody = one("state_body");
  for (const [field, value, required] of [["federal_body", federalBody, false], ["state_body", stateBody, false]] as const) {
    const message = checkText(value, { max: STATEMENT_LIMITS.body, required, multiline: true });
    if (message) errors.push({ field, message: message.replace("form.errors.", "statement.errors."), params: { max: STATEMENT_LIMITS.body, length: codePointLength(value) } });
  }
  const statement: Statement = {
    conformance,
    method,
    preparedOn,
    reviewedOn,
    standardLimitations: STANDARD_LIMITATIONS.filter((k) => standard.includes(k)),
    customLimitations: custom,
    legalFramework,
    federalBody,
    stateBody,
    saved: true,
  };
  return { ok: errors.length === 0, statement, errors };
}
