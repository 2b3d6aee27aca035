/**
 * Calendar days and wall-clock times in the municipality's time zone (Europe/Berlin), in one place:
 * what a date input shows and sends, and when a day begins and ends there. formatDate/formatDateTime
 * (format.ts) show instants in the reader's language in the same zone.
 */

export const TIME_ZONE = "Europe/Berlin";
const berlinParts = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function partsOf(ms: number) {
  const p: Record<string, number> = {};
  for (const { type, value } of berlinParts.formatToParts(new Date(ms))) if (type !== "literal") p[type] = Number(value);
  return p as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** How far Berlin's clock is ahead of UTC at this instant (1 or 2 hours). */
function berlinOffsetMs(ms: number): number {
  const p = partsOf(ms);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** A wall-clock time in Berlin as an ISO UTC string. */
export function berlinTimeToIso(day: string, [h, m, s]: [number, number, number]): string {
  const [y, mo, d] = day.split("-").map(Number);
  const naive = Date.UTC(y, mo - 1, d, h, m, s);
  let utc = naive - berlinOffsetMs(naive);
  utc = naive - berlinOffsetMs(utc); // right on either side of a clock change
  return new Date(utc).toISOString();
}

/** The first instant of a Berlin calendar day ("2026-05-31" → 00:00:00 there), as an ISO UTC string. */
export const startOfBerlinDay = (day: string) => berlinTimeToIso(day, [0, 0, 0]);
/** The last second of a Berlin calendar day (23:59:59 there), as an ISO UTC string. */
export const endOfBerlinDay = (day: string) => berlinTimeToIso(day, [23, 59, 59]);

/** The Berlin calendar day of an instant, as a date input shows it ("2026-05-31"). */
export function berlinDay(iso: string): string {
  const p = partsOf(new Date(iso).getTime());
  return `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** Whether a value is a calendar day as a date input sends it ("2026-05-31"; not "2026-02-30"). */
export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const at = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === value;
}

/** A date as a date input sends it (2026-05-31), or as typed where there is no date picker (31.5.2026). */
export function parseDay(raw: string): string | null {
  const s = raw.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
    if (!m) return null;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  if (y < 2000 || y > 2199 || mo < 1 || mo > 12 || d < 1) return null;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}
