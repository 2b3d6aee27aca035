/**
 * A statement's place (issue 18), the pure rules: a click on the plan (or on an enlarged cell) as a
 * point, keyboard activation (0,0) as no point, clicks outside the picture refused, the grid cell
 * that follows a point, every bad place field an error and never a stored value, WGS 84 rounding.
 */
import { describe, expect, it } from "vitest";
import { asSentence, cellOf, cellLabels, PICKER_WIDTH, placeStep, pointFromClick, toLonLat, validatePlace, type PlanGrid } from "~/modules/places/place";
import { validateSubmission } from "~/modules/submissions/validation";

const grid: PlanGrid = { width: 1600, height: 1200, columns: 8, rows: 8 };
const height = Math.round((PICKER_WIDTH * 1200) / 1600); // 216

describe("a click on the plan", () => {
  it("maps the shown pixel to the plan, whatever size the plan has", () => {
    expect(pointFromClick(grid, "144", "108", null)).toEqual({ ok: true, point: { x: 5000, y: 5000 } });
    expect(pointFromClick(grid, String(PICKER_WIDTH), String(height), null)).toEqual({ ok: true, point: { x: 10000, y: 10000 } });
    expect(pointFromClick(grid, "1", "1", null)).toMatchObject({ ok: true });
  });
  it("0,0 is what a keyboard (or Enter) posts: no point, said so", () => {
    expect(pointFromClick(grid, "0", "0", null)).toEqual({ ok: false, reason: "keyboard" });
  });
  it("outside, negative, huge or not a number: no point", () => {
    for (const [x, y] of [["289", "10"], ["10", "217"], ["-1", "5"], ["99999999", "1"], ["abc", "1"], ["1e3", "1"], ["", ""], ["1.5", "2"]]) {
      expect(pointFromClick(grid, x, y, null), `${x},${y}`).toEqual({ ok: false, reason: "outside" });
    }
    expect(pointFromClick(grid, undefined, "3", null)).toEqual({ ok: false, reason: "outside" });
  });
  it("on an enlarged cell, lands inside that cell", () => {
    const c3 = { column: 2, row: 2 };
    const click = pointFromClick(grid, "144", "108", c3);
    expect(click.ok).toBe(true);
    if (click.ok) expect(cellOf(grid, click.point)).toBe("C3");
  });
});

describe("a step on the plan", () => {
  const fields = (pairs: [string, string][]) => {
    const m = new Map<string, string[]>();
    for (const [k, v] of pairs) m.set(k, [...(m.get(k) ?? []), v]);
    return m;
  };
  it("a click sets the point and fills in the cell; the other answers are kept", () => {
    const step = placeStep(grid, fields([["q1", "Mehr Radwege"], ["place_cell", ""], ["place_plan.x", "40"], ["place_plan.y", "200"]]));
    expect(step).toMatchObject({ kind: "step", notice: "point_set", cell: "B8" });
    if (step.kind === "step") {
      expect(step.values.q1).toEqual(["Mehr Radwege"]);
      expect(step.values.place_cell).toEqual(["B8"]);
      expect(step.values.place_view).toEqual(["B8"]);
      expect(step.values["place_plan.x"]).toBeUndefined();
    }
  });
  it("a keyboard activation keeps the point that was there", () => {
    const step = placeStep(grid, fields([["place_x", "100"], ["place_y", "100"], ["place_plan.x", "0"], ["place_plan.y", "0"]]));
    expect(step).toMatchObject({ kind: "step", notice: "keyboard" });
    if (step.kind === "step") expect(step.values.place_x).toEqual(["100"]);
  });
  it("enlarging needs a chosen cell; removing the point removes it", () => {
    expect(placeStep(grid, fields([["place_cell", ""], ["place_action", "zoom"]]))).toMatchObject({ notice: "no_cell" });
    expect(placeStep(grid, fields([["place_cell", "Z9"], ["place_action", "zoom"]]))).toMatchObject({ notice: "no_cell" });
    expect(placeStep(grid, fields([["place_cell", "d4"], ["place_action", "zoom"]]))).toMatchObject({ notice: "zoomed", cell: "D4" });
    const cleared = placeStep(grid, fields([["place_x", "100"], ["place_y", "100"], ["place_action", "clear"]]));
    expect(cleared).toMatchObject({ notice: "cleared" });
    if (cleared.kind === "step") expect(cleared.values.place_x).toBeUndefined();
  });
  it("a click on an enlarged cell that was never shown sets nothing", () => {
    expect(placeStep(grid, fields([["place_view", "Q99"], ["place_detail.x", "5"], ["place_detail.y", "5"]]))).toMatchObject({ notice: "outside" });
  });
  it("a normal submit is not a step", () => {
    expect(placeStep(grid, fields([["q1", "x"], ["place_cell", "A1"]]))).toEqual({ kind: "none" });
  });
});

describe("the place fields of a submit", () => {
  const check = (values: Record<string, string>) => validatePlace(grid, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]])));
  it("words, cell and point alone or together; all optional", () => {
    expect(check({})).toEqual({ place: undefined, errors: [] });
    expect(check({ place_description: "  Ecke  Markt /  Mühlenweg " }).place).toEqual({ description: "Ecke Markt / Mühlenweg" });
    expect(check({ place_cell: "h8" }).place).toEqual({ cell: "H8" });
    expect(check({ place_x: "5200", place_y: "5100" }).place).toEqual({ x: 5200, y: 5100, cell: "E5" });
    expect(check({ place_cell: "E5", place_x: "5200", place_y: "5100", place_description: "Markt" }).errors).toEqual([]);
  });
  it("a cell that does not exist, a broken point, a cell the point is not in: errors, nothing kept", () => {
    for (const cell of ["I1", "A9", "A0", "AA1", "1A", "ä3"]) expect(check({ place_cell: cell }), cell).toMatchObject({ place: undefined, errors: [{ field: "place_cell" }] });
    for (const [x, y] of [["10001", "5"], ["-1", "5"], ["5", ""], ["1e4", "1"], ["0x10", "1"]]) {
      expect(check({ place_x: x, place_y: y }), `${x},${y}`).toMatchObject({ place: undefined, errors: [{ field: "place_plan" }] });
    }
    expect(check({ place_cell: "A1", place_x: "9000", place_y: "9000" }).errors).toEqual([{ field: "place_cell", message: "place:errors.cellAndPoint", params: { cell: "A1", pointCell: "H8" } }]);
  });
  it("words: at most 300 characters, no control or direction characters", () => {
    expect(check({ place_description: "x".repeat(301) }).errors[0]).toMatchObject({ field: "place_description", message: "errors.tooLong" });
    expect(check({ place_description: "a\u202Eb" }).errors[0]).toMatchObject({ message: "errors.forbiddenCharacters" });
  });
  it("on a procedure without a plan, a place field is a request no form of ours sends (400)", () => {
    expect(() => validateSubmission({ questions: [], contactFields: [] }, new Map([["place_cell", ["A1"]]]))).toThrow();
    const withPlan = validateSubmission({ questions: [], contactFields: [], placeGrid: grid }, new Map([["place_cell", ["A1"]]]));
    expect(withPlan).toMatchObject({ ok: true, input: { place: { cell: "A1" } } });
  });
});

describe("geodata", () => {
  it("a point in WGS 84, rounded to 4 decimals (about 10 m)", () => {
    const geo = { north: 52.385, west: 9.72, south: 52.3725, east: 9.7455 };
    expect(toLonLat(geo, { x: 0, y: 0 })).toEqual([9.72, 52.385]);
    expect(toLonLat(geo, { x: 10000, y: 10000 })).toEqual([9.7455, 52.3725]);
    expect(toLonLat(geo, { x: 5000, y: 5000 })).toEqual([9.7328, 52.3787]);
  });
  it("a grid has a label for every cell", () => {
    expect(cellLabels({ columns: 3, rows: 2 })).toEqual(["A1", "B1", "C1", "A2", "B2", "C2"]);
  });
});

describe("the plan's alternative text before our sentence", () => {
  // "Plan: {{alt}} Klicken setzt einen Punkt." — the admin's text ends one sentence, once
  const shown = (alt: string) => `Plan: ${asSentence(alt)} Klicken setzt einen Punkt.`;
  it("gets one full stop whether or not the admin wrote one", () => {
    expect(shown("Im Nordosten die Feldmark.")).toBe("Plan: Im Nordosten die Feldmark. Klicken setzt einen Punkt.");
    expect(shown("Im Nordosten die Feldmark")).toBe("Plan: Im Nordosten die Feldmark. Klicken setzt einen Punkt.");
    expect(shown("  Im Nordosten die Feldmark.  ")).toBe("Plan: Im Nordosten die Feldmark. Klicken setzt einen Punkt.");
  });
  it("keeps a question mark, an exclamation mark, an ellipsis or a stop before a closing quote", () => {
    expect(asSentence("Wo ist der Markt?")).toBe("Wo ist der Markt?");
    expect(asSentence("Achtung!")).toBe("Achtung!");
    expect(asSentence("Straßen, Bach …")).toBe("Straßen, Bach …");
    expect(asSentence("Der „Markt.“")).toBe("Der „Markt.“");
    expect(asSentence("Plan (Stand 2026.)")).toBe("Plan (Stand 2026.)");
  });
  it("turns a trailing comma, colon or semicolon into the full stop", () => {
    expect(asSentence("Legende:")).toBe("Legende.");
    expect(asSentence("Straßen;")).toBe("Straßen.");
    expect(asSentence("Straßen, ")).toBe("Straßen.");
  });
});
