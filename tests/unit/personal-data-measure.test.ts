/**
 * Person names (and car plates) in the personal-data check, measured on a labelled set of 266
 * statements (tests/fixtures/personal-data/corpus.ts): the examples staff found published, the
 * patterns, and floors for precision and recall per kind and overall. `npm run
 * personal-data:measure` prints the same figures with every miss and false alarm.
 */
import { describe, expect, it } from "vitest";
import { detectPersonalData, suggestRedaction } from "~/modules/moderation/personal-data";
import { CORPUS } from "../fixtures/personal-data/corpus";
import { measure } from "../fixtures/personal-data/measure";

const found = (text: string) => detectPersonalData(text).map((f) => [f.kind, f.text]);

describe("names of people", () => {
  it("finds the names that passed unmarked and were published", () => {
    expect(found("Petra Schulz hat angerufen.")).toEqual([["name", "Petra Schulz"]]);
    expect(found("Erika Mustermann wohnt seit 30 Jahren hier.")).toEqual([["name", "Erika Mustermann"]]);
    expect(suggestRedaction("Meine Tochter Lena (8) fährt hier jeden Tag.").redacted).toBe("Meine Tochter [Name entfernt] (8) fährt hier jeden Tag.");
  });

  it("finds Frau/Herr X, a family word before a name and a name before an age", () => {
    expect(found("Frau Kowalczyk vom Bauamt war da.")).toEqual([["name", "Kowalczyk"]]);
    expect(found("Wie mit Herrn Dr. Albers besprochen.")).toEqual([["name", "Albers"]]);
    expect(found("Unser Sohn Kemal fährt Rad.")).toEqual([["name", "Kemal"]]);
    expect(found("Ole (10) wartet an der Ampel.")).toEqual([["name", "Ole"]]);
  });

  it("leaves streets, places and words that look like names alone", () => {
    for (const text of [
      "An der Anne-Frank-Schule fehlen Fahrradständer.",
      "Die Goethestraße braucht einen Radweg.",
      "Ich pendle von Sankt Augustin nach Bonn.",
      "Im August sind Ferien.",
      "Die alte Linde am Markt bleibt.",
      "Frau Bürgermeisterin, bitte handeln Sie.",
      "Meine Tochter hat Angst vor den Autos.",
    ]) {
      expect(found(text), text).toEqual([]);
    }
  });

  it("finds car plates but not paper sizes or road numbers", () => {
    expect(found("Der Transporter HH-AB 1234 parkt auf dem Radweg.")).toEqual([["plate", "HH-AB 1234"]]);
    expect(found("Das Formular hat DIN A4.")).toEqual([]);
    expect(found("Die B 6 ist voll.")).toEqual([]);
  });
});

describe("measured on the labelled statements", () => {
  const result = measure(CORPUS);

  it("has at least 200 statements, with positives of every kind and plenty of negatives", () => {
    expect(result.statements).toBeGreaterThanOrEqual(200);
    expect(CORPUS.filter((c) => c.expected.length === 0).length).toBeGreaterThanOrEqual(100);
    for (const kind of ["name", "address", "phone", "iban", "email", "plate"] as const) {
      const s = result.byKind[kind];
      expect(s && s.truePositives + s.falseNegatives, kind).toBeGreaterThanOrEqual(5);
    }
  });

  it("keeps precision and recall above their floors", () => {
    const name = result.byKind.name!;
    expect(name.recall, "names: recall").toBeGreaterThanOrEqual(0.85);
    expect(name.precision, "names: precision").toBeGreaterThanOrEqual(0.9);
    expect(result.byKind.plate!.recall, "plates: recall").toBeGreaterThanOrEqual(0.8);
    expect(result.overall.recall, "overall recall").toBeGreaterThanOrEqual(0.9);
    expect(result.overall.precision, "overall precision").toBeGreaterThanOrEqual(0.9);
  });
});
