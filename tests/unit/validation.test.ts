import { describe, expect, it } from "vitest";
import { MalformedSubmission, inputToValues, validateSubmission } from "~/modules/submissions/validation";
import { fields, procedureWithEveryQuestionKind, validEntries } from "../support/fixtures";

const procedure = procedureWithEveryQuestionKind();
const without = (name: string) => validEntries.filter(([k]) => k !== name);
const replacing = (name: string, ...values: string[]): [string, string][] => [...without(name), ...values.map((v): [string, string] => [name, v])];
const errorsOf = (entries: [string, string][]) => {
  const r = validateSubmission(procedure, fields(entries));
  return r.ok ? [] : r.errors.map((e) => `${e.field}:${e.message}`);
};

describe("validating a submission against its questions", () => {
  it("accepts a complete, valid submission and normalises it", () => {
    const r = validateSubmission(procedure, fields(validEntries));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input.answers).toEqual([
      { questionId: 1, values: ["Hallo"] },
      { questionId: 2, values: ["Zeile eins\nZeile zwei"] },
      { questionId: 3, values: ["b"] },
      { questionId: 4, values: ["x", "z"] }, // in the options' order
      { questionId: 5, values: ["3"] },
      { questionId: 6, values: ["no"] },
    ]);
    expect(r.input.contact).toEqual({ email: "anna@example.org" });
  });

  it("leaves out optional answers that were not given", () => {
    const r = validateSubmission(procedure, fields([["q1", "x"], ["q3", "a"], ["q5", "1"], ["contact_email", "a@b.de"], ["q2", "  "]]));
    expect(r.ok && r.input.answers.map((a) => a.questionId)).toEqual([1, 3, 5]);
  });

  it("names every missing required answer, text and choice alike", () => {
    expect(errorsOf([])).toEqual([
      "q1:errors.required",
      "q3:errors.chooseOne",
      "q5:errors.chooseOne",
      "contact_email:errors.contactRequired.email",
    ]);
    expect(errorsOf(replacing("q1", "   "))).toEqual(["q1:errors.required"]);
  });

  it("enforces each text's maximum length, counting characters not bytes", () => {
    expect(errorsOf(replacing("q1", "ä".repeat(20)))).toEqual([]);
    expect(errorsOf(replacing("q1", "ä".repeat(21)))).toEqual(["q1:errors.tooLong"]);
    expect(errorsOf(replacing("q1", "😀".repeat(20)))).toEqual([]);
    expect(errorsOf(replacing("q2", "a".repeat(101)))).toEqual(["q2:errors.tooLong"]);
    const r = validateSubmission(procedure, fields(replacing("q1", "a".repeat(25))));
    expect(!r.ok && r.errors[0].params).toEqual({ max: 20, length: 25 });
  });

  it("refuses control characters, broken encodings and bidi overrides, and line breaks in one-line answers", () => {
    for (const bad of ["a\u0000b", "a\u0007", "\u001b[31m", "a\u007f", "x\uFFFDy", "abc\u202Edef"]) {
      expect(errorsOf(replacing("q1", bad)), JSON.stringify(bad)).toEqual(["q1:errors.forbiddenCharacters"]);
    }
    expect(errorsOf(replacing("q1", "eins\nzwei"))).toEqual(["q1:errors.forbiddenCharacters"]);
    expect(errorsOf(replacing("q2", "eins\nzwei\tdrei"))).toEqual([]);
  });

  it("accepts only the options a question offers", () => {
    expect(errorsOf(replacing("q3", "c"))).toEqual(["q3:errors.invalidOption"]);
    expect(errorsOf(replacing("q4", "x", "nope"))).toEqual(["q4:errors.invalidOption"]);
    expect(errorsOf(replacing("q4", "x", "x"))).toEqual(["q4:errors.invalidOption"]);
    for (const bad of ["0", "6", "2.5", "-1", "drei", "３"]) expect(errorsOf(replacing("q5", bad)), bad).toEqual(["q5:errors.invalidOption"]);
    expect(errorsOf(replacing("q6", "maybe"))).toEqual(["q6:errors.invalidOption"]);
    expect(errorsOf(replacing("q6", "yes"))).toEqual([]);
  });

  it("checks e-mail addresses and phone numbers", () => {
    for (const bad of ["anna", "anna@", "@example.org", "anna@example", "an na@example.org", "a@b.c"]) {
      expect(errorsOf(replacing("contact_email", bad)), bad).toEqual(["contact_email:errors.invalidEmail"]);
    }
    expect(errorsOf([...validEntries, ["contact_phone", "05121 301-0"]])).toEqual([]);
    expect(errorsOf([...validEntries, ["contact_phone", "+49 (5121) 3010"]])).toEqual([]);
    for (const bad of ["abc", "12", "0511 CALL ME"]) {
      expect(errorsOf([...validEntries, ["contact_phone", bad]]), bad).toEqual(["contact_phone:errors.invalidPhone"]);
    }
    expect(errorsOf([...validEntries, ["contact_name", "n".repeat(201)]])).toEqual(["contact_name:errors.tooLong"]);
  });

  it("keeps what was typed so the form can show it again", () => {
    const r = validateSubmission(procedure, fields(replacing("q3", "c")));
    expect(r.ok).toBe(false);
    expect(r.values.q1).toEqual(["Hallo"]);
    expect(r.values.q4).toEqual(["z", "x"]);
  });

  it("treats fields no form of ours sends as a malformed request", () => {
    expect(() => validateSubmission(procedure, fields([...validEntries, ["is_admin", "1"]]))).toThrow(MalformedSubmission);
    expect(() => validateSubmission(procedure, fields([...validEntries, ["q3", "a"]]))).toThrow(MalformedSubmission);
    expect(() => validateSubmission(procedure, fields([...validEntries, ["contact_email", "b@example.org"]]))).toThrow(
      MalformedSubmission,
    );
    const noContact = procedureWithEveryQuestionKind({ contactFields: [] });
    expect(() => validateSubmission(noContact, fields(validEntries))).toThrow(MalformedSubmission);
  });

  it("round-trips a stored input back into form values", () => {
    const r = validateSubmission(procedure, fields(validEntries));
    if (!r.ok) throw new Error("expected valid");
    const again = validateSubmission(procedure, new Map(Object.entries(inputToValues(procedure, r.input))));
    expect(again.ok && again.input).toEqual(r.input);
  });
});
