/**
 * Properties of the pure input functions (fast-check): whatever arrives, they answer with a
 * decision — accepted input that keeps every rule, field errors, or an HttpError for a request no
 * form of ours sends — and never throw anything else.
 *
 *  - validateSubmission: accepted answers keep each question's rules (lengths, options, scale,
 *    no control characters), contact data keep their limits; unknown or repeated fields are
 *    MalformedSubmission; the same input gives the same decision
 *  - receipt codes: every generated code parses back from any typing (case, spaces, hyphens,
 *    O/0, I/L/1); one changed character is caught; parsing never accepts a code without a valid check
 *  - readForm: any bytes give a form or a 400/413/415 HttpError; what a browser encodes comes back
 *  - renderMarkdown: no raw `<` from the source, only the elements the renderer writes, only
 *    http(s)/mailto links, at most MARKDOWN_MAX_LENGTH characters read
 *
 * Reproduce: FC_SEED=<seed printed below> npx vitest run tests/unit/properties.test.ts
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HttpError } from "~/modules/http/errors";
import { readForm } from "~/modules/http/form-body.server";
import { MARKDOWN_MAX_LENGTH, renderMarkdown } from "~/modules/procedures/markdown";
import { SCALE_MAX, SCALE_MIN } from "~/modules/procedures/procedure";
import { RECEIPT_ALPHABET, formatReceiptCode, generateReceiptCode, parseReceiptCode } from "~/modules/submissions/receipt-code";
import { codePointLength } from "~/modules/forms/fields";
import { CONTACT_MAX_LENGTH, MalformedSubmission, validateSubmission } from "~/modules/submissions/validation";
import { fields, procedureWithEveryQuestionKind, validEntries } from "../support/fixtures";

const SEED = Number(process.env.FC_SEED ?? 20_260_408);
const RUNS = Number(process.env.FC_RUNS ?? 300);
const params = (offset: number) => ({ seed: SEED + offset, numRuns: RUNS });
console.log(`[properties] unit seed ${SEED} (FC_SEED=${SEED} reproduces), ${RUNS} runs each`);

const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\u202A-\u202E\u2066-\u2069]/;
const procedure = procedureWithEveryQuestionKind();
const known = [...new Set([...validEntries.map(([k]) => k), ...procedure.questions.map((q) => `q${q.id}`), "contact_name", "contact_email", "contact_phone", "contact_address", "consent_results"])];
const optionValues = procedure.questions.flatMap((q) => q.options.map((o) => o.value));

const value = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom(...optionValues, "yes", "no", "0", "1", "3", "5", "6", "-1", " 3", "", " ", "\n", "a@b.de", "0511 12345", "+49 (511) 1234-5") },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(199, 200, 201, 254, 255, 4999, 5000, 5001), fc.constantFrom("x", "é", "😀", "e\u0301")).map(([n, c]) => c.repeat(n)) },
);
const entries = fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), value), { maxLength: 12 });
/** the valid form with some fields changed: most runs get past the unknown-field check */
const mutatedValid = fc.tuple(fc.array(fc.boolean(), { minLength: validEntries.length, maxLength: validEntries.length }), fc.array(value, { minLength: validEntries.length, maxLength: validEntries.length })).map(([keep, values]) =>
  validEntries.map(([k, v], i): [string, string] => [k, keep[i] ? v : values[i]]),
);

describe("validateSubmission, for any fields", () => {
  it("accepts only answers that keep every rule, and refuses the rest with field errors or a 400", () => {
    const seen = { accepted: 0, errors: 0, malformed: 0 };
    fc.assert(
      fc.property(fc.oneof(entries, mutatedValid), (list) => {
        let result;
        try {
          result = validateSubmission(procedure, fields(list));
        } catch (error) {
          expect(error).toBeInstanceOf(MalformedSubmission);
          const names = list.map(([k]) => k);
          const repeated = names.some((n, i) => names.indexOf(n) !== i);
          const unknown = names.some((n) => !known.includes(n));
          expect(repeated || unknown).toBe(true);
          seen.malformed++;
          return;
        }
        // the same input, the same decision
        expect(validateSubmission(procedure, fields(list))).toEqual(result);
        if (!result.ok) {
          seen.errors++;
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) expect(e.field).toMatch(/^(q\d+|contact_\w+|consent_results)$/);
          return;
        }
        seen.accepted++;
        for (const a of result.input.answers) {
          const q = procedure.questions.find((x) => x.id === a.questionId)!;
          expect(a.values.length).toBeGreaterThan(0);
          for (const v of a.values) {
            expect(v).not.toMatch(FORBIDDEN);
            expect(v).toBe(v.normalize("NFC"));
            if (q.kind === "short_text" || q.kind === "long_text") {
              expect(codePointLength(v)).toBeLessThanOrEqual(q.maxLength!);
              expect(v.trim()).toBe(v);
              if (q.kind === "short_text") expect(v).not.toMatch(/[\n\t]/);
            }
            if (q.kind === "single_choice" || q.kind === "multiple_choice") expect(q.options.map((o) => o.value)).toContain(v);
            if (q.kind === "scale") expect(Number(v) >= SCALE_MIN && Number(v) <= SCALE_MAX && /^\d$/.test(v)).toBe(true);
            if (q.kind === "yes_no") expect(["yes", "no"]).toContain(v);
          }
          if (q.kind !== "multiple_choice") expect(a.values).toHaveLength(1);
          else expect(new Set(a.values).size).toBe(a.values.length);
        }
        for (const q of procedure.questions.filter((x) => x.required)) expect(result.input.answers.some((a) => a.questionId === q.id)).toBe(true);
        for (const [key, v] of Object.entries(result.input.contact)) {
          expect(codePointLength(v!)).toBeLessThanOrEqual(CONTACT_MAX_LENGTH[key as keyof typeof CONTACT_MAX_LENGTH]);
          expect(v).not.toMatch(FORBIDDEN);
          expect(v).not.toBe("");
        }
      }),
      params(1),
    );
    // every kind of decision was reached, so the checks above ran
    expect(Object.values(seen).every((n) => n > 0), JSON.stringify(seen)).toBe(true);
  });
});

describe("receipt codes, for any typing", () => {
  const code = fc.array(fc.nat({ max: 31 }), { minLength: 12, maxLength: 12 }).map((digits) => {
    let i = 0;
    return generateReceiptCode(() => digits[i++]);
  });

  it("reads every code back however it is typed", () => {
    fc.assert(
      fc.property(code, fc.array(fc.constantFrom(" ", "-", "–", ".", "  "), { minLength: 13, maxLength: 13 }), fc.boolean(), (c, seps, lower) => {
        expect(c).toMatch(new RegExp(`^[${RECEIPT_ALPHABET}]{13}$`));
        let typed = [...c].map((ch, i) => ch + (i % 3 === 0 ? seps[i] : "")).join("");
        typed = typed.replace(/0/g, "O").replace(/1/g, lower ? "l" : "I");
        if (lower) typed = typed.toLowerCase();
        expect(parseReceiptCode(typed)).toBe(c);
        expect(parseReceiptCode(formatReceiptCode(c))).toBe(c);
      }),
      params(2),
    );
  });

  it("catches every single changed character", () => {
    fc.assert(
      fc.property(code, fc.nat({ max: 12 }), fc.nat({ max: 30 }), (c, at, shift) => {
        const index = RECEIPT_ALPHABET.indexOf(c[at]);
        const other = RECEIPT_ALPHABET[(index + 1 + shift) % 32];
        expect(parseReceiptCode(c.slice(0, at) + other + c.slice(at + 1))).toBeNull();
      }),
      params(3),
    );
  });

  it("never accepts anything that is not a code with a valid check, and never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (s) => {
        const parsed = parseReceiptCode(s);
        if (parsed === null) return;
        expect(parsed).toMatch(new RegExp(`^[${RECEIPT_ALPHABET}]{13}$`));
        expect(parseReceiptCode(parsed)).toBe(parsed);
      }),
      params(4),
    );
  });
});

describe("readForm, for any body", () => {
  const post = (body: Uint8Array, type = "application/x-www-form-urlencoded") =>
    new Request("http://localhost/x", { method: "POST", body, headers: { "content-type": type }, duplex: "half" } as RequestInit);

  it("answers any bytes with the fields or a 400/413/415, nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 }).map((s) => new TextEncoder().encode(s)), fc.stringMatching(/^([a-z%0-9A-F+=&]|%[0-9A-Fa-f]{0,2}|%[^0-9A-F]){0,60}$/).map((s) => new TextEncoder().encode(s))),
        fc.constantFrom("application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "text/plain", "multipart/form-data; boundary=x", ""),
        async (bytes, type) => {
          try {
            const form = await readForm(post(bytes, type), { maxBytes: 150, maxFields: 20 });
            expect(type.startsWith("application/x-www-form-urlencoded")).toBe(true);
            expect(bytes.length).toBeLessThanOrEqual(150);
            for (const [name, values] of form) {
              expect(name.length).toBeLessThanOrEqual(100);
              expect(values.length).toBeGreaterThan(0);
              // well-formed text: no lone surrogate halves (bytes that were not UTF-8 are refused, not replaced)
              for (const v of [name, ...values]) expect(v).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(HttpError);
            expect([400, 413, 415]).toContain((error as HttpError).status);
          }
        },
      ),
      params(5),
    );
  });

  it("gives back exactly what a browser encoded, repeated fields in order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ unit: "grapheme", maxLength: 20 })), { maxLength: 10 }), async (pairs) => {
        const body = new URLSearchParams(pairs).toString();
        const form = await readForm(post(new TextEncoder().encode(body)));
        const expected = new Map<string, string[]>();
        for (const [k, v] of pairs) expected.set(k, [...(expected.get(k) ?? []), v]);
        expect(form).toEqual(expected);
      }),
      params(6),
    );
  });
});

describe("renderMarkdown, for any source", () => {
  const markdownish = fc.array(
    fc.oneof(
      fc.constantFrom("<", ">", "&", '"', "'", "<script>", "</p>", "<img src=x onerror=alert(1)>", "*", "**", "_", "`", "[", "](", ")", "(", "#", "## ", "> ", "- ", "1. ", "\n", "\n\n", "  \n", "\\", "---", "javascript:alert(1)", "JaVaScRiPt:", "data:text/html,x", "http://a.example/", "mailto:a@b.de", "&lt;", "&#60;", "\u0000", "\u202E"),
      fc.string({ unit: "grapheme", maxLength: 6 }),
    ),
    { maxLength: 60 },
  ).map((parts) => parts.join(""));
  const ALLOWED = new Set(["p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "a", "blockquote", "hr"]);

  it("never passes a raw < through, writes only its own elements, and links only to http(s) or mailto", () => {
    fc.assert(
      fc.property(fc.oneof(markdownish, fc.string({ unit: "binary", maxLength: 200 })), fc.integer({ min: -3, max: 8 }), (source, headingOffset) => {
        const html = renderMarkdown(source, { headingOffset });
        // every < starts one of the renderer's own tags
        for (const m of html.matchAll(/<\/?([a-zA-Z0-9]*)([^>]*)>?/g)) {
          expect(ALLOWED.has(m[1]), `tag ${m[0]}`).toBe(true);
          if (m[1] !== "a") expect(m[2].trim() === "" || m[2].trim() === "/", `attributes on ${m[0]}`).toBe(true);
        }
        for (const m of html.matchAll(/<a ([^>]*)>/g)) {
          const attrs = [...m[1].matchAll(/([a-z]+)="([^"]*)"/g)];
          expect(attrs.map((a) => a[1]).every((n) => n === "href" || n === "rel")).toBe(true);
          const href = attrs.find((a) => a[1] === "href")?.[2] ?? "";
          expect(href).toMatch(/^(https?:|mailto:)/i);
        }
        expect(html).not.toMatch(/<h1/);
      }),
      params(7),
    );
  });

  it("reads at most MARKDOWN_MAX_LENGTH characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5 }), fc.constantFrom("x", "*", "<", "["), (tail, filler) => {
        const long = filler.repeat(MARKDOWN_MAX_LENGTH) + "ZZZENDE" + tail;
        expect(renderMarkdown(long)).not.toContain("ZZZENDE");
      }),
      { ...params(8), numRuns: Math.min(RUNS, 20) },
    );
  });
});
