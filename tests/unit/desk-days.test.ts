/**
 * The desk takes a letter's day of receipt as staff type it: a day in the municipality (Berlin).
 * Between midnight in Berlin and midnight UTC the two calendars differ by a day.
 */
import { describe, expect, it } from "vitest";
import { deskAcceptance } from "~/modules/assisted-entry/desk.server";

// open from 1 December (00:00 Berlin = 23:00 UTC the day before) to 31 December 23:59:59 Berlin
const procedure = { status: "open" as const, opensAt: "2026-11-30T23:00:00.000Z", closesAt: "2026-12-31T22:59:59.000Z" };

describe("the day a letter was received, at the desk", () => {
  it("today in Berlin is not in the future, though UTC still has yesterday", () => {
    const halfPastMidnightInBerlin = new Date("2026-12-07T23:30:00Z");
    expect(deskAcceptance(procedure, "letter", "2026-12-08", halfPastMidnightInBerlin)).toBe("ok");
    expect(deskAcceptance(procedure, "letter", "2026-12-09", halfPastMidnightInBerlin)).toBe("received_in_future");
  });

  it("the first and last days of the procedure count in Berlin, the days around them do not", () => {
    const now = new Date("2027-01-10T12:00:00Z");
    const closed = { ...procedure, status: "closed" as const };
    expect(deskAcceptance(closed, "paper", "2026-12-01", now)).toBe("ok");
    expect(deskAcceptance(closed, "paper", "2026-11-30", now)).toBe("received_before_opening");
    expect(deskAcceptance(closed, "paper", "2026-12-31", now)).toBe("ok");
    expect(deskAcceptance(closed, "paper", "2027-01-01", now)).toBe("received_after_closing");
  });
});
