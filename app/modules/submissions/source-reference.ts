/**
 * Paper form numbers and letter references as the duplicate check compares them: clerks type
 * `f1-b2ecpq`, `F1-B2ECPQ` or `F1 B2ECPQ` for the same form. The key ignores case (Unicode),
 * width and compatibility forms (NFKC), spaces and the separators a reference may contain
 * (`-`, `.`, `/`, `_`). The reference itself is stored as typed; the key only decides sameness.
 */
export function sourceReferenceKey(reference: string): string {
  return reference.normalize("NFKC").toUpperCase().replace(/[\s./_\-\u2010-\u2015]+/gu, "");
}
