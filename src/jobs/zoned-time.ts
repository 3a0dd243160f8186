/**
 * Wall-clock times in a named time zone (arXiv announces at 20:00 US Eastern, which is 00:00 or
 * 01:00 UTC depending on daylight saving). Built on Intl only: the zone rules come with Node's ICU.
 */

interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** YYYY-MM-DD of `instant` on the zone's calendar. */
export function zonedDay(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Offset of the zone from UTC at `instant`, in minutes (New York: -300 in winter, -240 in summer). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The UTC instant of wall-clock `hh:mm` on a calendar day in the zone. A time skipped by a
 * spring-forward gap moves forward by the gap (02:30 → 03:30, as Temporal's "compatible" rule
 * does); a time that occurs twice in the autumn overlap runs at the first occurrence.
 */
export function zonedInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Try the offsets in force a day either side; the earliest that maps back to the wall time wins.
  const candidates = [
    offsetMinutes(new Date(wall - 86_400_000), timeZone),
    offsetMinutes(new Date(wall + 86_400_000), timeZone),
  ]
    .map((off) => wall - off * 60_000)
    .sort((a, b) => a - b);
  for (const t of candidates) {
    const p = zonedParts(new Date(t), timeZone);
    if (p.hour === hour && p.minute === minute && p.day === day) return new Date(t);
  }
  // In a gap the wall time does not exist; the pre-gap offset lands as far past the gap as the
  // wall time was into it.
  return new Date(candidates[candidates.length - 1]!);
}

/** `"20:00"` → [20, 0]; null when malformed. */
function parseClock(hhmm: string): [number, number] | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function addDays(y: number, m: number, d: number, n: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/** The daily slot at `hh:mm` in the zone: the latest one at or before `now`. */
export function previousDailySlot(now: Date, hhmm: string, timeZone: string): Date {
  const [h, m] = parseClock(hhmm) ?? [0, 0];
  const today = zonedParts(now, timeZone);
  for (let back = 0; back <= 2; back++) {
    const [y, mo, d] = addDays(today.year, today.month, today.day, -back);
    const at = zonedInstant(y, mo, d, h, m, timeZone);
    if (at.getTime() <= now.getTime()) return at;
  }
  throw new Error('unreachable: a daily slot exists within two days');
}

/** The next daily slot strictly after `now`. */
export function nextDailySlot(now: Date, hhmm: string, timeZone: string): Date {
  const [h, m] = parseClock(hhmm) ?? [0, 0];
  const today = zonedParts(now, timeZone);
  for (let ahead = 0; ahead <= 2; ahead++) {
    const [y, mo, d] = addDays(today.year, today.month, today.day, ahead);
    const at = zonedInstant(y, mo, d, h, m, timeZone);
    if (at.getTime() > now.getTime()) return at;
  }
  throw new Error('unreachable: a daily slot exists within two days');
}
