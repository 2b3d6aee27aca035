/**
 * The legal bases the product itself cites in a privacy log (as opposed to a procedure's own legal
 * basis, which an admin types in German). Events store the German citation — the hash chain covers
 * it, so what was stored stays as it was — and the resident reads it in their language through
 * `privacy:legalBases.<code>`. A stored text that is not one of these (a procedure's free text) is
 * shown as typed, marked as German.
 */
import type { TFunction } from "i18next";
import { CONTENT_LANGUAGE, directionOf } from "~/i18n/config";

/**
 * Code → the German citation stored in new events. A citation found to be wrong is corrected here and
 * its old text goes to RETIRED_LEGAL_BASES, so events that already carry it are read as the corrected code.
 */
export const LEGAL_BASES = {
  /** Information to be provided (the privacy notice shown or read aloud). */
  information: "Art. 13 DSGVO",
  consent: "Art. 6 Abs. 1 lit. a DSGVO",
  /** Task in the public interest (publication, results). */
  publicTask: "Art. 6 Abs. 1 lit. e DSGVO",
  /** Answering a data-subject request (the notice grants Art. 15 to 22, not only up to 17). */
  dataRights: "Art. 6 Abs. 1 lit. c DSGVO i. V. m. Art. 12–22 DSGVO",
  access: "Art. 15 DSGVO",
  erasure: "Art. 17 DSGVO",
  /**
   * Withdrawing a submission: the answers are no longer needed for the procedure and are erased.
   * Not the withdrawal of a consent (Art. 7 Abs. 3): a submission is processed as a public task.
   */
  withdrawal: "Art. 17 Abs. 1 lit. a DSGVO",
  storageLimitation: "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung)",
} as const;
export type LegalBasisCode = keyof typeof LEGAL_BASES;
export const LEGAL_BASIS_CODES = Object.keys(LEGAL_BASES) as LegalBasisCode[];

/** Citations stored by earlier versions (hash-chained, so they stay) → the code they are read as now. */
export const RETIRED_LEGAL_BASES: Readonly<Record<string, LegalBasisCode>> = {
  "Art. 6 Abs. 1 lit. c DSGVO i. V. m. Art. 12–17 DSGVO": "dataRights",
  "Art. 7 Abs. 3 und Art. 17 DSGVO": "withdrawal",
};

const BY_TEXT = new Map<string, LegalBasisCode>([
  ...Object.entries(RETIRED_LEGAL_BASES),
  ...LEGAL_BASIS_CODES.map((code) => [LEGAL_BASES[code], code] as const),
]);

/** The code of a stored legal basis, or null for free text (a procedure's own). */
export function legalBasisCode(stored: string): LegalBasisCode | null {
  return BY_TEXT.get(stored.trim()) ?? null;
}

export interface LocalisedLegalBasis {
  text: string;
  /** Set when the text is shown as stored (German) inside a page of another language. */
  lang?: string;
  dir?: "ltr" | "rtl";
}

/** A stored legal basis as the reader of `locale` sees it. */
export function localiseLegalBasis(stored: string, t: TFunction, locale: string): LocalisedLegalBasis {
  const code = legalBasisCode(stored);
  if (code) return { text: t(`privacy:legalBases.${code}`) };
  const dir = directionOf(CONTENT_LANGUAGE);
  return { text: stored, lang: CONTENT_LANGUAGE, ...(dir !== directionOf(locale) ? { dir } : {}) };
}
