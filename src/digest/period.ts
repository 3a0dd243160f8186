/**
 * Digest periods, pure. A slot is one day's send time (`digestTime` in `digestTimeZone`); daily
 * subscribers are due on weekdays (arXiv announces Sunday–Thursday evenings US time, so Monday to
 * Friday mornings follow a fresh listing), weekly ones on their chosen weekday. The period key names
 * the frequency and the slot's local date, and the outbox allows one row per (subscriber, key).
 */
import { zonedInstant } from '../jobs/zoned-time.ts';
import type { Frequency, Subscriber } from './types.ts';

export const DAY_MS = 86_400_000;
/**
 * arXiv announces a paper one to three days after its v1 submission; a digest's interest window
 * reaches that far back before the last digest so nothing announced late is missed. Papers already
 * sent are never repeated, so the overlap costs no duplicates.
 */
export const ANNOUNCE_LAG_MS = 3 * DAY_MS;
/** Longest window a digest looks back over (a subscriber back after a pause gets the last week). */
const MAX_WINDOW_MS: Record<Frequency, number> = { daily: 4 * DAY_MS, weekly: 8 * DAY_MS };
const PERIOD_MS: Record<Frequency, number> = { daily: DAY_MS, weekly: 7 * DAY_MS };

export interface Slot {
  /** Epoch ms of the send time. */
  at: number;
  /** Local date YYYY-MM-DD of the slot. */
  day: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

export function slotOn(day: string, time: string, timeZone: string): Slot {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m || !t) throw new RangeError(`bad day or time: ${day} ${time}`);
  const at = zonedInstant(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(t[1]),
    Number(t[2]),
    timeZone,
  ).getTime();
  return { at, day, weekday: new Date(`${day}T00:00:00Z`).getUTCDay() };
}

/** Which digest (if any) a subscriber is due at this slot. */
export function dueFrequency(s: Pick<Subscriber, 'frequency' | 'weekday'>, slot: Slot): Frequency | null {
  if (s.frequency === 'daily') return slot.weekday >= 1 && slot.weekday <= 5 ? 'daily' : null;
  return slot.weekday === s.weekday ? 'weekly' : null;
}

export function periodKey(f: Frequency, slot: Slot): string {
  return `${f}:${slot.day}`;
}

/** `d20261127`: the period as a token ref (lower-case letters and digits only). */
export function periodRef(period: string): string {
  const [f, day] = period.split(':');
  return `${f === 'weekly' ? 'w' : 'd'}${day!.replaceAll('-', '')}`;
}

export function periodFromRef(ref: string): string | null {
  const m = /^([dw])(\d{4})(\d{2})(\d{2})$/.exec(ref);
  return m ? `${m[1] === 'w' ? 'weekly' : 'daily'}:${m[2]}-${m[3]}-${m[4]}` : null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function periodLabel(f: Frequency, slot: Slot): string {
  const [y, m, d] = slot.day.split('-').map(Number) as [number, number, number];
  const date = `${d} ${MONTHS[m - 1]} ${y}`;
  return f === 'weekly' ? `week to ${date}` : `${DAYS[slot.weekday]} ${date}`;
}

/** A digest not handed to SMTP by the end of its period expires instead of arriving late. */
export function expiresAt(f: Frequency, slot: Slot): number {
  return slot.at + PERIOD_MS[f];
}

/** Start of the subscriber's window: their last digest, else one period back; never longer than the cap. */
export function windowStart(lastDigestAt: number | null, f: Frequency, slot: Slot): number {
  const fallback = slot.at - PERIOD_MS[f];
  const start = lastDigestAt !== null && lastDigestAt < slot.at ? lastDigestAt : fallback;
  return Math.max(start, slot.at - MAX_WINDOW_MS[f]);
}

/** Earliest submission time any subscriber's interest window can reach at this slot. */
export function earliestCandidate(slot: Slot): number {
  return slot.at - MAX_WINDOW_MS.weekly - ANNOUNCE_LAG_MS;
}

/** YYYY-MM-DD days from `fromMs`'s UTC date to `slot.day`, inclusive. */
export function daysBetween(fromMs: number, slot: Slot): string[] {
  const out: string[] = [];
  const end = Date.parse(`${slot.day}T00:00:00Z`);
  for (
    let t = Date.parse(`${new Date(fromMs).toISOString().slice(0, 10)}T00:00:00Z`);
    t <= end;
    t += DAY_MS
  ) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
