/**
 * Periods in calendar months (§ 188 Abs. 2 und 3 BGB), one function for the deletion date of a
 * procedure's contact data and the due date of a barrier report: the same day number n months
 * later, or that month's last day when it is shorter — counted on Berlin's calendar for a
 * procedure that closes at 23:59 Berlin time.
 */
import { describe, expect, it } from "vitest";
import { dueDate } from "~/modules/accessibility/reports";
import { addCalendarMonths, addMonthsToDay } from "~/modules/calendar/months";
import { formatDate } from "~/i18n/format";
import { endOfBerlinDay } from "~/i18n/dates";
import { personalDataDeletionDate } from "~/modules/procedures/procedure";

describe("calendar months", () => {
  it.each([
    ["2027-01-31", 3, "2027-04-30"],
    ["2027-01-31", 1, "2027-02-28"],
    ["2028-01-31", 1, "2028-02-29"],
    ["2027-01-30", 1, "2027-02-28"],
    ["2027-03-31", 1, "2027-04-30"],
    ["2027-08-31", 1, "2027-09-30"],
    ["2027-02-28", 1, "2027-03-28"],
    ["2026-11-30", 3, "2027-02-28"],
    ["2027-11-30", 3, "2028-02-29"],
    ["2027-12-31", 12, "2028-12-31"],
    ["2028-02-29", 12, "2029-02-28"],
    ["2027-05-15", 0, "2027-05-15"],
    ["2027-01-31", 36, "2030-01-31"],
  ])("%s + %i months = %s", (from, months, to) => {
    const [year, month, day] = from.split("-").map(Number);
    const r = addMonthsToDay({ year, month, day }, months);
    expect(`${r.year}-${String(r.month).padStart(2, "0")}-${String(r.day).padStart(2, "0")}`).toBe(to);
  });

  it.each([
    // closing day (Berlin) + retention months → the deletion day shown to residents
    ["2027-01-31", 3, "30. April 2027"],
    ["2027-01-31", 1, "28. Februar 2027"],
    ["2028-01-31", 1, "29. Februar 2028"],
    ["2027-03-31", 6, "30. September 2027"],
    ["2027-08-31", 6, "29. Februar 2028"],
    ["2027-12-31", 2, "29. Februar 2028"],
    // across the clock changes (last Sunday of March and October)
    ["2027-02-28", 1, "28. März 2027"],
    ["2027-09-30", 1, "30. Oktober 2027"],
    ["2027-10-31", 1, "30. November 2027"],
  ])("a procedure closing on %s with %i months' retention deletes contact data on %s", (closesOn, months, shown) => {
    const deletion = personalDataDeletionDate({ closesAt: endOfBerlinDay(closesOn), retentionMonths: months });
    expect(formatDate(deletion, "de")).toBe(shown);
  });

  it("keeps the Berlin time of day across a clock change", () => {
    // 23:59:59 Berlin on 28 February (UTC+1) → 23:59:59 Berlin on 28 March (UTC+2)
    expect(addCalendarMonths(new Date(endOfBerlinDay("2027-02-28")), 1, "Europe/Berlin").toISOString()).toBe(endOfBerlinDay("2027-03-28"));
    expect(endOfBerlinDay("2027-03-28")).toBe("2027-03-28T21:59:59.000Z");
  });

  it("is the function barrier reports use for their due date", () => {
    expect(dueDate(new Date("2027-01-31T10:00:00.000Z")).toISOString()).toBe(addCalendarMonths(new Date("2027-01-31T10:00:00.000Z"), 1).toISOString());
    expect(dueDate(new Date("2027-01-31T10:00:00.000Z")).toISOString()).toBe("2027-02-28T10:00:00.000Z");
  });
});
