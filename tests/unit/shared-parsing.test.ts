/**
 * The small parsers several pages share (issue 16: one helper for one job): the id lists the
 * moderation's bulk and group pages pass on, and the calendar days of date inputs.
 */
import { describe, expect, it } from "vitest";
import { isIsoDay } from "~/i18n/dates";
import { parseIds } from "~/modules/forms/parse.server";

const refused = (values: string[], max = 5) => {
  try {
    parseIds(values, max);
  } catch (e) {
    return (e as { status?: number }).status;
  }
  return "accepted";
};

describe("parseIds", () => {
  it("reads the ids in order, each once", () => {
    expect(parseIds(["3", "1", "3", "2"], 5)).toEqual([3, 1, 2]);
  });

  it("refuses with 400 what no page of ours sends: nothing, too many, or anything that is not an id", () => {
    expect(refused([])).toBe(400);
    expect(refused(["1", "2", "3", "4", "5", "6"])).toBe(400);
    for (const bad of ["0", "-1", "1.5", "1e2", " 1", "0x10", "", "abc", "99999999999"]) expect(refused(["1", bad]), bad).toBe(400);
  });
});

describe("isIsoDay", () => {
  it("accepts a day as a date input sends it, including 29 February of a leap year", () => {
    for (const day of ["2026-05-31", "2028-02-29", "2026-12-31"]) expect(isIsoDay(day), day).toBe(true);
  });

  it("refuses days that do not exist and other spellings", () => {
    for (const day of ["2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "31.5.2026", "2026-5-31", "2026-05-31T00:00", ""]) expect(isIsoDay(day), day).toBe(false);
  });
});
