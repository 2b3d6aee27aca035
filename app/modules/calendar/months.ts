/**
 * Periods in calendar months (§ 188 Abs. 2 und 3 BGB): a period of n months from an event ends on
 * the day of the n-th following month with the event's day number — or, when that month is
 * shorter, on its last day (31 January + 1 month = 28/29 February, + 3 months = 30 April). One
 * function for every such period (the answer to a barrier report, the deletion of contact data).
 * Counted on the wall clock of a time zone: a procedure closing at 23:59 Berlin time on
 * 31 January is 22:59 UTC, and its months are Berlin months.
 */

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `timeZone` at an instant. */
function wallClock(ms: number, timeZone: string) {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    partsFormats.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const { type, value } of f.formatToParts(new Date(ms))) if (type !== "literal") p[type] = Number(value);
  return p as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** How far the zone's clock is ahead of UTC at an instant. */
function offsetMs(ms: number, timeZone: string): number {
  const p = wallClock(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** A calendar day plus whole months (month 1–12), the day clamped to the target month's length. */
export function addMonthsToDay(day: { year: number; month: number; day: number }, months: number) {
  const index = day.year * 12 + (day.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(day.day, lastDay) };
}

/**
 * The instant `months` calendar months after `instant`, at the same wall-clock time in `timeZone`
 * (UTC unless given).
 */
export function addCalendarMonths(instant: Date, months: number, timeZone = "UTC"): Date {
  const ms = instant.getTime();
  const p = timeZone === "UTC" ? { year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate(), hour: instant.getUTCHours(), minute: instant.getUTCMinutes(), second: instant.getUTCSeconds() } : wallClock(ms, timeZone);
  const target = addMonthsToDay(p, months);
  const naive = Date.UTC(target.year, target.month - 1, target.day, p.hour, p.minute, p.second, instant.getUTCMilliseconds());
  if (timeZone === "UTC") return new Date(naive);
  // the zone's offset at the target, asked twice: right on either side of a clock change
  let utc = naive - offsetMs(naive, timeZone);
  utc = naive - offsetMs(utc, timeZone);
  return new Date(utc);
}
