/**
 * Feed periods: a day (`2024-05-01`), an ISO week (`2024-W18`, Monday to Sunday) or a month
 * (`2024-05`), as an inclusive range of featured days with its neighbours. Pure; all UTC.
 */
import { InvalidInputError } from '../errors.ts';

type PeriodKind = 'day' | 'week' | 'month';

export interface Period {
  kind: PeriodKind;
  /** The canonical key: `2024-05-01`, `2024-W18` or `2024-05`. */
  key: string;
  /** First and last day, inclusive, YYYY-MM-DD. */
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d\d)-(\d\d)$/;
const WEEK = /^(\d{4})-W(\d\d)$/;
const MONTH = /^(\d{4})-(\d\d)$/;
/** Feeds before arXiv existed or far in the future are typos, not periods. */
const MIN_YEAR = 1990;
const MAX_YEAR = 2200;

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

function yearOk(y: number): boolean {
  return y >= MIN_YEAR && y <= MAX_YEAR;
}

/** Monday of ISO week 1: the week holding January 4th. */
function isoWeekOneMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  return jan4 - weekday * DAY_MS;
}

function weeksIn(year: number): number {
  return Math.round((isoWeekOneMonday(year + 1) - isoWeekOneMonday(year)) / (7 * DAY_MS));
}

export function dayPeriod(day: string): Period {
  const m = DAY.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || !yearOk(Number(m[1])) || isoDay(ms) !== day)
    throw new InvalidInputError(`date must be a real day as YYYY-MM-DD, got "${day.slice(0, 40)}"`);
  return { kind: 'day', key: day, from: day, to: day };
}

export function weekPeriod(week: string): Period {
  const m = WEEK.exec(week);
  const year = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || !yearOk(year) || n < 1 || n > weeksIn(year))
    throw new InvalidInputError(`week must be an ISO week as YYYY-Www, got "${week.slice(0, 40)}"`);
  const monday = isoWeekOneMonday(year) + (n - 1) * 7 * DAY_MS;
  return { kind: 'week', key: week, from: isoDay(monday), to: isoDay(monday + 6 * DAY_MS) };
}

export function monthPeriod(month: string): Period {
  const m = MONTH.exec(month);
  const year = Number(m?.[1]);
  const mon = Number(m?.[2]);
  if (!m || !yearOk(year) || mon < 1 || mon > 12)
    throw new InvalidInputError(`month must be YYYY-MM, got "${month.slice(0, 40)}"`);
  const first = Date.UTC(year, mon - 1, 1);
  const last = Date.UTC(year, mon, 1) - DAY_MS;
  return { kind: 'month', key: month, from: isoDay(first), to: isoDay(last) };
}

/** The ISO week holding a day. */
export function weekOf(day: string): Period {
  const ms = dayMs(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  const thursday = ms + (3 - weekday) * DAY_MS; // a week belongs to the year of its Thursday
  const year = new Date(thursday).getUTCFullYear();
  const n = Math.floor((thursday - isoWeekOneMonday(year)) / (7 * DAY_MS)) + 1;
  return weekPeriod(`${year}-W${String(n).padStart(2, '0')}`);
}

export function monthOf(day: string): Period {
  return monthPeriod(day.slice(0, 7));
}

/** The period before or after (step −1 / +1). */
export function shift(p: Period, step: -1 | 1): Period {
  if (p.kind === 'day') return dayPeriod(isoDay(dayMs(p.from) + step * DAY_MS));
  if (p.kind === 'week') return weekOf(isoDay(dayMs(p.from) + step * 7 * DAY_MS));
  const [y, m] = p.key.split('-').map(Number) as [number, number];
  return monthPeriod(isoDay(Date.UTC(y, m - 1 + step, 1)).slice(0, 7));
}

/** From a query string: at most one of date, week, month; none means `fallbackDay`. */
export function periodFromQuery(
  q: { date?: string | undefined; week?: string | undefined; month?: string | undefined },
  fallbackDay: string,
): Period {
  const given = [q.date, q.week, q.month].filter((v) => v !== undefined && v !== '');
  if (given.length > 1) throw new InvalidInputError('give only one of date, week and month');
  if (q.week) return weekPeriod(q.week);
  if (q.month) return monthPeriod(q.month);
  return dayPeriod(q.date || fallbackDay);
}

/** The query string naming a period: `date=…`, `week=…` or `month=…`. */
export function periodParam(p: Period): string {
  return `${p.kind === 'day' ? 'date' : p.kind}=${p.key}`;
}

// Built once: toLocaleDateString() builds a formatter per call, which measured ~3% of the CPU of
// an uncached feed page (bench http).
const DAY_LABEL = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const MONTH_LABEL = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export function periodLabel(p: Period): string {
  if (p.kind === 'day') return DAY_LABEL.format(dayMs(p.from));
  if (p.kind === 'week')
    return `Week ${Number(p.key.slice(6))} of ${p.key.slice(0, 4)} (${p.from} to ${p.to})`;
  return MONTH_LABEL.format(dayMs(p.from));
}
