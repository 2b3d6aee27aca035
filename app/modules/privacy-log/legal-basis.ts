/**
 * The legal bases the product itself cites in a privacy log (as opposed to a procedure's own legal
 * basis, which an admin types in German). Events store the German citation — the hash chain covers
 * it, so what was stored stays as it was — and the resident reads it in their language through
 * `privacy:legalBases.<code>`. A stored text that is not one of these (a procedure's free text) is
 * shown as typed, marked as German.
 */
import type { TFunction } from "i18next";
import { CONTENT_LANGUAGE, directionOf } from "~/i18n/config";

/** Code → the German citation stored in the event (never change a value: old events carry it). */
export const LEGAL_BASES = {
  /** Information to be provided (the privacy notice shown or read aloud). */
  information: "Art. 13 DSGVO",
  consent: "Art. 6 Abs. 1 lit. a DSGVO",
  /** Task in the public interest (publication, results). */
  publicTask: "Art. 6 Abs. 1 lit. e DSGVO",
  /** Answering a data-subject request. */
  dataRights: "Art. 6 Abs. 1 lit. c DSGVO i. V. m. Art. 12–17 DSGVO",
  access: "Art. 15 DSGVO",
  erasure: "Art. 17 DSGVO",
  withdrawal: "Art. 7 Abs. 3 und Art. 17 DSGVO",
  storageLimitation: "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung)",
} as const;
export type LegalBasisCode = keyof typeof LEGAL_BASES;
export const LEGAL_BASIS_CODES = Object.keys(LEGAL_BASES) as LegalBasisCode[];

const BY_TEXT = new Map<string, LegalBasisCode>(LEGAL_BASIS_CODES.map((code) => [LEGAL_BASES[code], code]));

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
