/**
 * Reading a receipt code back on the phone with the German spelling alphabet (DIN 5009:2022,
 * city names): "K wie Köln". Digits are said as words.
 */
const LETTERS: Record<string, string> = {
  A: "Aachen", B: "Berlin", C: "Chemnitz", D: "Düsseldorf", E: "Essen", F: "Frankfurt", G: "Goslar", H: "Hamburg",
  I: "Ingelheim", J: "Jena", K: "Köln", L: "Leipzig", M: "München", N: "Nürnberg", O: "Offenbach", P: "Potsdam",
  Q: "Quickborn", R: "Rostock", S: "Salzwedel", T: "Tübingen", U: "Unna", V: "Völklingen", W: "Wuppertal",
  X: "Xanten", Y: "Ypsilon", Z: "Zwickau",
};
const DIGITS = ["Null", "Eins", "Zwei", "Drei", "Vier", "Fünf", "Sechs", "Sieben", "Acht", "Neun"];

/** `K7M4-…` → ["K wie Köln", "Sieben", "M wie München", "Vier", "Strich", …] */
export function spellDin5009(code: string): string[] {
  return [...code].map((c) => {
    if (c === "-") return "Strich";
    if (/[0-9]/.test(c)) return DIGITS[Number(c)];
    const city = LETTERS[c.toUpperCase()];
    return city ? `${c.toUpperCase()} wie ${city}` : c;
  });
}
