import { describe, expect, it } from "vitest";
import {
  RECEIPT_ALPHABET,
  formatReceiptCode,
  generateReceiptCode,
  parseReceiptCode,
} from "~/modules/submissions/receipt-code";

describe("receipt codes", () => {
  it("are 12 random characters plus a check character, grouped for reading aloud", () => {
    const code = formatReceiptCode(generateReceiptCode());
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
  });

  it("carry at least 60 bits of randomness in an alphabet without ambiguous characters", () => {
    expect(RECEIPT_ALPHABET).toHaveLength(32);
    expect(RECEIPT_ALPHABET).not.toMatch(/[ILOU]/);
    expect(12 * Math.log2(RECEIPT_ALPHABET.length)).toBeGreaterThanOrEqual(60);
  });

  it("do not repeat across many draws", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(generateReceiptCode());
    expect(seen.size).toBe(50_000);
  });

  it("use every character of the alphabet in every position", () => {
    const perPosition = Array.from({ length: 12 }, () => new Set<string>());
    for (let i = 0; i < 5_000; i++) {
      const code = generateReceiptCode();
      for (let p = 0; p < 12; p++) perPosition[p].add(code[p]);
    }
    for (const chars of perPosition) expect(chars.size).toBe(32);
  });

  it("are read back however a person types them", () => {
    const compact = generateReceiptCode();
    const shown = formatReceiptCode(compact);
    expect(parseReceiptCode(shown)).toBe(compact);
    expect(parseReceiptCode(shown.toLowerCase())).toBe(compact);
    expect(parseReceiptCode(` ${shown.replace(/-/g, " ")} `)).toBe(compact);
    // Crockford: O is read as zero, I and L as one
    const withZeroAndOne = "0000111100001";
    const valid = [...RECEIPT_ALPHABET].map((c) => withZeroAndOne.slice(0, 12) + c).find((c) => parseReceiptCode(c));
    expect(valid).toBeDefined();
    expect(parseReceiptCode(valid!.replace(/0/g, "O").replace(/1/g, "l"))).toBe(valid);
  });

  it("reject every single mistyped character thanks to the check character", () => {
    for (let n = 0; n < 200; n++) {
      const code = generateReceiptCode();
      for (let pos = 0; pos < code.length; pos++) {
        for (const c of RECEIPT_ALPHABET) {
          if (c === code[pos]) continue;
          const typo = code.slice(0, pos) + c + code.slice(pos + 1);
          expect(parseReceiptCode(typo), `${code} → ${typo}`).toBeNull();
        }
      }
    }
  });

  it("reject most swapped neighbours, wrong lengths and foreign characters", () => {
    let caught = 0;
    let swaps = 0;
    for (let n = 0; n < 500; n++) {
      const code = generateReceiptCode();
      for (let pos = 0; pos + 1 < code.length; pos++) {
        if (code[pos] === code[pos + 1]) continue;
        swaps++;
        const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
        if (parseReceiptCode(swapped) === null) caught++;
      }
    }
    expect(caught / swaps).toBeGreaterThan(0.95);
    const code = generateReceiptCode();
    expect(parseReceiptCode(code.slice(0, 12))).toBeNull();
    expect(parseReceiptCode(code + "A")).toBeNull();
    expect(parseReceiptCode(code.slice(0, 12) + "U")).toBeNull();
    expect(parseReceiptCode("x".repeat(1000))).toBeNull();
  });
});
