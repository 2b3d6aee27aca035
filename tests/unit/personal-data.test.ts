import { describe, expect, it } from "vitest";
import {
  type Finding,
  type PersonalDataKind,
  detectPersonalData,
  isValidIban,
  redact,
  suggestRedaction,
} from "~/modules/moderation/personal-data";

/** The finding expected for `needle` inside `text` (its first occurrence, checked to exist). */
function expected(text: string, kind: PersonalDataKind, needle: string, from = 0): Finding {
  const start = text.indexOf(needle, from);
  if (start < 0) throw new Error(`test setup: "${needle}" not in "${text}"`);
  return { kind, start, end: start + needle.length, text: needle };
}

const kindsAndTexts = (text: string) => detectPersonalData(text).map((f) => [f.kind, f.text]);

/** Invariants every result must satisfy. */
function expectWellFormed(text: string, findings: Finding[]) {
  let previousEnd = 0;
  for (const f of findings) {
    expect(f.start).toBeGreaterThanOrEqual(previousEnd); // sorted, non-overlapping
    expect(f.end).toBeGreaterThan(f.start);
    expect(text.slice(f.start, f.end)).toBe(f.text);
    previousEnd = f.end;
  }
}

describe("e-mail addresses", () => {
  it("finds a plain address with exact offsets, without the sentence's full stop", () => {
    const text = "Bitte antworten Sie an anna.mueller@example.org.";
    expect(detectPersonalData(text)).toEqual([{ kind: "email", start: 23, end: 47, text: "anna.mueller@example.org" }]);
  });

  it("finds subdomains, plus-addressing and umlaut domains", () => {
    const text =
      "Kontakt: max+beteiligung@rathaus.stadt-hildesheim.de (werktags), privat jörg@bürgerbeteiligung-münchen.de, Büro:info@ratsinfo.kreis.example.de!";
    expect(detectPersonalData(text)).toEqual([
      expected(text, "email", "max+beteiligung@rathaus.stadt-hildesheim.de"),
      expected(text, "email", "jörg@bürgerbeteiligung-münchen.de"),
      expected(text, "email", "info@ratsinfo.kreis.example.de"),
    ]);
  });

  it("does not flag an @ without a domain with a top-level domain", () => {
    for (const text of ["Danke an @Stadtverwaltung für die Antwort", "Treffen @ 18 Uhr am Rathaus", "Login als admin@localhost", "a@b"]) {
      expect(detectPersonalData(text), text).toEqual([]);
    }
  });
});

describe("phone numbers", () => {
  it.each([
    ["Sie erreichen mich unter 0511 123456.", "0511 123456"],
    ["Rückruf bitte an 0511/123456, gern abends.", "0511/123456"],
    ["Meine Nummer ist 0511-12 34 56 und gilt werktags.", "0511-12 34 56"],
    ["Aus dem Ausland: +49 511 1234567 wählen.", "+49 511 1234567"],
    ["Bitte rufen Sie +49 (0)511 1234567 an.", "+49 (0)511 1234567"],
    ["Mein Handy: 0170 1234567 (nur SMS).", "0170 1234567"],
    ["Festnetz (0511) 12 34 56, ab 18 Uhr.", "(0511) 12 34 56"],
    ["Aus der Schweiz 0049 511 123456 wählen.", "0049 511 123456"],
    ["Ohne Leerzeichen: 05111234567.", "05111234567"],
    ["Tel.: 12 34 56 (Ortsnetz)", "12 34 56"],
  ])("finds the number in %j", (text, phone) => {
    expect(detectPersonalData(text)).toEqual([expected(text, "phone", phone)]);
  });

  it("reports exact offsets for several numbers in one text", () => {
    const text = "Tel. 0511 123456 oder mobil 0170 1234567";
    expect(detectPersonalData(text)).toEqual([
      { kind: "phone", start: 5, end: 16, text: "0511 123456" },
      { kind: "phone", start: 28, end: 40, text: "0170 1234567" },
    ]);
  });

  it.each([
    "Die Sitzung findet am 24.12.2026 statt.",
    "Sitzung am 01.02.2026 um 08:30 Uhr.",
    "Frist bis 01/2026, spätestens 01-02-2026.",
    "Das Ziel für 2030 ist Klimaneutralität.",
    "Der Bebauungsplan Nr. 47 liegt aus.",
    "Gemäß § 3 Abs. 2 BauGB wird beteiligt.",
    "Bitte Tempo 30 vor der Schule.",
    "Die Linie 7 fährt zu selten.",
    "Das kostet 1.250.000 Euro.",
    "Umleitung über die B 217.",
    "Die App in Version 2.10.3 (Build 0.9.12) stürzt ab.",
    "Es fehlen 0,5 Prozent.",
    "Die Zahl 123456 ist zu klein.",
    "Az. 0815/2026 und Drucksache 0123/2026 liegen vor.",
  ])("does not flag %j", (text) => {
    expect(detectPersonalData(text)).toEqual([]);
  });

  it("splits two numbers separated only by a space at the second area code", () => {
    const text = "Erreichbar: 0511 123456 0170 1234567";
    expect(kindsAndTexts(text)).toEqual([
      ["phone", "0511 123456"],
      ["phone", "0170 1234567"],
    ]);
    expect(kindsAndTexts("Durchwahl 0511 12 05 06")).toEqual([["phone", "0511 12 05 06"]]);
  });

  it("does not flag opening hours or counted amounts that start with 0", () => {
    expect(detectPersonalData("Öffnungszeiten 0800-1600 und 0900 - 1230")).toEqual([]);
    expect(detectPersonalData("Es wurden 012345 Bäume gepflanzt und 0123456 Euro ausgegeben.")).toEqual([]);
  });

  it("needs at least six digits", () => {
    expect(detectPersonalData("Durchwahl 0511 1")).toEqual([]);
    expect(kindsAndTexts("Durchwahl 0511 12")).toEqual([["phone", "0511 12"]]);
  });
});

describe("IBANs", () => {
  it.each([
    ["Bitte überweisen Sie an DE89 3704 0044 0532 0130 00.", "DE89 3704 0044 0532 0130 00"],
    ["Konto DE89370400440532013000 bei der Sparkasse.", "DE89370400440532013000"],
    ["Mein britisches Konto: GB29 NWBK 6016 1331 9268 19", "GB29 NWBK 6016 1331 9268 19"],
    ["Österreich: AT61 1904 3002 3457 3201, danke.", "AT61 1904 3002 3457 3201"],
    ["Schweiz CH93 0076 2011 6238 5295 7 (Privatkonto)", "CH93 0076 2011 6238 5295 7"],
    ["Frankreich FR14 2004 1010 0505 0001 3M02 606.", "FR14 2004 1010 0505 0001 3M02 606"],
    ["Niederlande NL91ABNA0417164300!", "NL91ABNA0417164300"],
  ])("finds the IBAN in %j", (text, iban) => {
    expect(detectPersonalData(text)).toEqual([expected(text, "iban", iban)]);
  });

  it("does not flag an IBAN with a wrong checksum (nor its digits as a phone)", () => {
    expect(isValidIban("DE88 3704 0044 0532 0130 00")).toBe(false);
    expect(detectPersonalData("Bitte an DE88 3704 0044 0532 0130 00 überweisen.")).toEqual([]);
    expect(detectPersonalData("Bitte an DE88370400440532013000 überweisen.")).toEqual([]);
  });

  it("does not flag an IBAN of the wrong length or glued to more characters", () => {
    expect(detectPersonalData("Kurz: DE89 3704 0044 0532 0130 0")).toEqual([]);
    expect(detectPersonalData("Lang: DE8937040044053201300012")).toEqual([]);
  });

  it("does not flag random 22-character strings of letters and digits", () => {
    const shapedLikeAnIban = "GB12ABCD12345678901234"; // country code, check digits, right length
    expect(isValidIban(shapedLikeAnIban)).toBe(false);
    for (const random of ["Q7xT2mK9pL4vR8nW3zB6yH", shapedLikeAnIban, "DE42XK7QP2LM9RT4VB8NC3"]) {
      expect(detectPersonalData(`Der Code lautet ${random} und ist geheim.`), random).toEqual([]);
    }
  });

  it("rejects the invalid check digits 00, 01 and 99 even when mod 97 works out", () => {
    // DE02... is valid; 99 = 02 + 97 has the same remainder but is not a valid check number
    expect(isValidIban("DE02120300000000202051")).toBe(true);
    expect(isValidIban("DE99120300000000202051")).toBe(false);
  });
});

describe("addresses", () => {
  it.each([
    ["Ich wohne in der Musterstraße 12 seit Jahren.", "Musterstraße 12"],
    ["Die Ecke Hauptstr. 5a ist gefährlich.", "Hauptstr. 5a"],
    ["Treffpunkt ist Am Markt 3 vor dem Café.", "Am Markt 3"],
    ["Unser Haus, Bahnhofsweg 7b, steht leer.", "Bahnhofsweg 7b"],
    ["Die Bäume vor der Lindenallee 42 sind krank.", "Lindenallee 42"],
    ["Das Büro am Goethe-Platz 1 ist zu.", "Goethe-Platz 1"],
    ["Die Häuser Ringstraße 12-14 wurden saniert.", "Ringstraße 12-14"],
    ["Ich wohne Musterstrasse 3 im Erdgeschoss.", "Musterstrasse 3"],
    ["Meine Adresse: Berliner Straße 5.", "Berliner Straße 5"],
    ["Sie wohnt An der Kirche 5 in Oststadt.", "An der Kirche 5"],
    ["Post bitte Zur Mühle 1 senden.", "Zur Mühle 1"],
    ["Wir wohnen Auf dem Berge 3 am Ortsrand.", "Auf dem Berge 3"],
    ["Der Laden in der Karl-Marx-Str. 3 schließt.", "Karl-Marx-Str. 3"],
    ["Sie wohnt Am Alten Markt 3 im Dachgeschoss.", "Am Alten Markt 3"],
    ["Der Kiosk Zum Sportplatz 4 hat zu.", "Zum Sportplatz 4"],
  ])("finds the address in %j", (text, address) => {
    expect(detectPersonalData(text)).toEqual([expected(text, "address", address)]);
  });

  it("includes a following postcode and town in the same finding", () => {
    const text = "Meine Anschrift: Musterstraße 12, 31134 Musterstadt. Bitte nicht veröffentlichen.";
    expect(detectPersonalData(text)).toEqual([
      { kind: "address", start: 17, end: 51, text: "Musterstraße 12, 31134 Musterstadt" },
    ]);
    const twoLines = "Absender:\nAm Markt 3\n30159 Hannover";
    expect(detectPersonalData(twoLines)).toEqual([expected(twoLines, "address", "Am Markt 3\n30159 Hannover")]);
  });

  it("finds a postcode with a town on its own, including multi-word towns", () => {
    const text = "Ich komme aus 31134 Musterstadt, meine Schwester aus 60311 Frankfurt am Main und 06108 Halle (Saale).";
    expect(detectPersonalData(text)).toEqual([
      expected(text, "address", "31134 Musterstadt"),
      expected(text, "address", "60311 Frankfurt am Main"),
      expected(text, "address", "06108 Halle (Saale)"),
    ]);
  });

  it.each([
    "Im Jahr 2030 soll die Straße fertig sein.",
    "Am Montag 3 Anträge abgegeben.",
    "Der Radweg 3 Meter breiter machen.",
    "Der Spielplatz 2 ist kaputt.",
    "Tempo 30 in der Hauptstraße, bitte.",
    "Die Hauptstraße 5 Minuten entfernt sperren.",
    "Bitte die Straße 1 Mal im Jahr kehren.",
    "Die Stadt hat 25000 Einwohner und rund 12000 Arbeitsplätze.",
    "Das Projekt kostet 10000 Euro.",
    "Im Abschnitt 2 des Bebauungsplans Nr. 47 steht es.",
    "An der Stelle 3 gab es Unfälle.",
    "Umleitung über die B 217 und die Linie 7.",
  ])("does not flag %j", (text) => {
    expect(detectPersonalData(text)).toEqual([]);
  });
});

describe("overlapping candidates", () => {
  it("reports an IBAN once, not the phone-like digit groups inside it", () => {
    const text = "IBAN: DE02 1203 0000 0000 2020 51";
    expect(detectPersonalData(text)).toEqual([expected(text, "iban", "DE02 1203 0000 0000 2020 51")]);
  });

  it("reports an e-mail address whose local part looks like a phone number as an e-mail", () => {
    const text = "Schreiben Sie an 05111234567@example.org bitte";
    expect(detectPersonalData(text)).toEqual([expected(text, "email", "05111234567@example.org")]);
  });

  it("reports street, postcode and town as one address, not a street and a postcode", () => {
    const text = "Ringstraße 12-14, 31134 Musterstadt";
    expect(kindsAndTexts(text)).toEqual([["address", text]]);
  });

  it("keeps the street inside a prepositional phrase: 'In der Musterstraße 12' → 'Musterstraße 12'", () => {
    const text = "In der Musterstraße 12 fehlt eine Laterne.";
    expect(detectPersonalData(text)).toEqual([expected(text, "address", "Musterstraße 12")]);
  });

  it("returns sorted, non-overlapping findings of every kind in a mixed text", () => {
    const text =
      "Hallo, ich bin Anna (anna@example.org, 0170 1234567) aus der Lindenallee 42, 31134 Musterstadt. " +
      "Spenden bitte an DE89 3704 0044 0532 0130 00. Rückfragen: +49 (0)511 1234567.";
    const findings = detectPersonalData(text);
    expectWellFormed(text, findings);
    expect(findings.map((f) => [f.kind, f.text])).toEqual([
      ["name", "Anna"],
      ["email", "anna@example.org"],
      ["phone", "0170 1234567"],
      ["address", "Lindenallee 42, 31134 Musterstadt"],
      ["iban", "DE89 3704 0044 0532 0130 00"],
      ["phone", "+49 (0)511 1234567"],
    ]);
  });
});

describe("redaction", () => {
  const text = "Ich wohne Am Markt 3, Tel. 0511 123456, anna@example.org, IBAN DE89370400440532013000.";

  it("suggests German placeholders for every finding", () => {
    const { redacted, findings } = suggestRedaction(text);
    expect(findings.map((f) => f.kind)).toEqual(["address", "phone", "email", "iban"]);
    expect(redacted).toBe(
      "Ich wohne [Anschrift entfernt], Tel. [Telefonnummer entfernt], [E-Mail entfernt], IBAN [IBAN entfernt].",
    );
  });

  it("uses [kind] by default and accepts a custom replacement", () => {
    const findings = detectPersonalData(text);
    expect(redact(text, findings)).toBe("Ich wohne [address], Tel. [phone], [email], IBAN [iban].");
    expect(redact(text, findings, (f) => "█".repeat(f.text.length))).toBe(
      `Ich wohne ${"█".repeat(10)}, Tel. ${"█".repeat(11)}, ${"█".repeat(16)}, IBAN ${"█".repeat(22)}.`,
    );
  });

  it("leaves a text without personal data unchanged", () => {
    const plain = "Bitte Tempo 30 vor der Grundschule, Linie 7 öfter fahren lassen.";
    expect(suggestRedaction(plain)).toEqual({ redacted: plain, findings: [] });
  });

  it("accepts findings in any order and merges overlapping ones, so nothing in between survives", () => {
    const t = "abc 0511 123456 def";
    const outer: Finding = { kind: "phone", start: 4, end: 15, text: "0511 123456" };
    const inner: Finding = { kind: "address", start: 9, end: 19, text: "123456 def" };
    expect(redact(t, [inner, outer])).toBe("abc [phone]");
  });

  it("refuses findings that do not belong to the text (e.g. stale after an edit)", () => {
    const findings = detectPersonalData("Tel. 0511 123456");
    expect(() => redact("Tel.: 0511 123456", findings)).toThrow(RangeError);
    expect(() => redact("kurz", [{ kind: "email", start: 2, end: 10, text: "rz" }])).toThrow(RangeError);
  });
});

describe("performance guard (no catastrophic backtracking)", () => {
  /** Deterministic pseudo-random generator (mulberry32), so a failure can be reproduced. */
  function random(seed: number) {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäöüßÄÖÜ0123456789     .,-/+()@§:\n";
  const next = random(20260101);
  const randomText = Array.from({ length: 10_000 }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");

  const inputs: [string, string][] = [
    ["10 000 random characters", randomText],
    ['5 000 × "Straße 1 "', "Straße 1 ".repeat(5_000)],
    ["one long local part before @", `${"a".repeat(9_999)}@`],
    ["many @", "@a".repeat(5_000)],
    ["dotted run before @", `${"a.".repeat(5_000)}@x`],
    ["zeros separated by spaces", "0 ".repeat(5_000)],
    ["digits only", "1".repeat(10_000)],
    ["IBAN starts", "DE00".repeat(2_500)],
    ["repeated prepositions", "Am Markt ".repeat(1_100)],
    ["repeated postcodes", "12345 ".repeat(1_600)],
    ["repeated addresses", "Musterstraße 12, 31134 Musterstadt; ".repeat(280)],
    ["repeated phones", "0511 123456, ".repeat(760)],
  ];

  // Compared with itself, not with a clock: eight times the input may take about eight times as long
  // (linear), never sixty-four (quadratic) or worse. A ratio holds on a busy machine where a fixed
  // number of milliseconds does not; medians of five runs smooth out the scheduler.
  const medianMs = (input: string) => {
    const runs = [0, 1, 2, 3, 4].map(() => {
      const t0 = performance.now();
      detectPersonalData(input);
      return performance.now() - t0;
    });
    return runs.sort((a, b) => a - b)[2];
  };
  it.each(inputs)("handles %s in linear time", (_name, input) => {
    detectPersonalData("Aufwärmen: Musterstraße 12, 0511 123456, a@b.de"); // JIT warm-up, not measured
    expectWellFormed(input, detectPersonalData(input));
    const once = Math.max(2, medianMs(input));
    expect(medianMs(input.repeat(8)) / once).toBeLessThan(24);
  });

  it('finds nothing in "Straße 1 " repeated (no street name)', () => {
    expect(detectPersonalData("Straße 1 ".repeat(5_000))).toEqual([]);
  });
});
