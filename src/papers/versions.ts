/**
 * Version bookkeeping for re-imports. Sources overlap (snapshot, OAI, RSS, API) and arrive out of
 * order, so an upsert must never let an older version overwrite a newer one, and a same-version
 * record only rewrites the row when its content hash differs (arXiv corrected the metadata).
 * Dates come as RFC 822 (`Mon, 2 Apr 2007 19:18:42 GMT`, arXivRaw/snapshot), ISO 8601 or plain
 * `YYYY-MM-DD`; all become ISO 8601 UTC. Impossible dates (Feb 30, month 13, before arXiv's
 * 1986 floor, more than two days in the future) are rejected so bad rows never sort to the top.
 */
import type { PaperVersion } from './paper.ts';

export type UpsertDecision = 'insert' | 'update' | 'unchanged' | 'stale';

export interface VersionStamp {
  version: number;
  contentHash: string;
}

export function decideUpsert(existing: VersionStamp | null, incoming: VersionStamp): UpsertDecision {
  if (existing === null) return 'insert';
  if (incoming.version > existing.version) return 'update';
  if (incoming.version < existing.version) return 'stale';
  return incoming.contentHash === existing.contentHash ? 'unchanged' : 'update';
}

/** Union by version number, ascending; on a clash the entry from `incoming` wins. Inputs untouched. */
export function mergeVersions(existing: PaperVersion[], incoming: PaperVersion[]): PaperVersion[] {
  const byVersion = new Map<number, PaperVersion>();
  for (const v of existing) byVersion.set(v.version, v);
  for (const v of incoming) byVersion.set(v.version, v);
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

const MONTHS = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');
// "Mon, 2 Apr 2007 19:18:42 GMT" (weekday optional, seconds optional, zone name or +hhmm).
const RFC822 =
  /^(?:[a-z]{3},?\s+)?(\d{1,2})\s+([a-z]{3})\s+(\d{4})(?:\s+(\d{1,2}):(\d\d)(?::(\d\d))?(?:\s*(gmt|ut|utc|z|[+-]\d{4}))?)?$/i;
// "2007-04-02", "2007-04-02T19:18:42Z", "2007-04-02 19:18:42.123+02:00".
const ISO =
  /^(\d{4})-(\d\d)-(\d\d)(?:[t\s](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?\s*(z|[+-]\d\d:?\d\d)?)?$/i;
const MIN_YEAR = 1986;
const MIN_INSTANT = Date.UTC(MIN_YEAR, 0, 1);
const FUTURE_SLACK_MS = 2 * 24 * 3600 * 1000;

/** ISO 8601 UTC (`2007-04-02T19:18:42.000Z`) or null for malformed or impossible dates. */
export function parseArxivDate(s: string, now: number = Date.now()): string | null {
  if (typeof s !== 'string' || s.length > 64) return null;
  const t = s.trim();
  let parts: {
    y: number;
    mo: number;
    d: number;
    h: number;
    mi: number;
    sec: number;
    ms: number;
    zone?: string;
  };
  const r = RFC822.exec(t);
  if (r) {
    const mo = MONTHS.indexOf(r[2]!.toLowerCase()) + 1;
    if (mo === 0) return null;
    parts = {
      y: +r[3]!,
      mo,
      d: +r[1]!,
      h: +(r[4] ?? 0),
      mi: +(r[5] ?? 0),
      sec: +(r[6] ?? 0),
      ms: 0,
      zone: r[7],
    };
  } else {
    const i = ISO.exec(t);
    if (!i) return null;
    const ms = i[7] ? Math.floor(Number(`0.${i[7]}`) * 1000) : 0;
    parts = {
      y: +i[1]!,
      mo: +i[2]!,
      d: +i[3]!,
      h: +(i[4] ?? 0),
      mi: +(i[5] ?? 0),
      sec: +(i[6] ?? 0),
      ms,
      zone: i[8],
    };
  }
  const { y, mo, d, h, mi, sec, ms } = parts;
  if (y < MIN_YEAR || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  if (new Date(local).getUTCDate() !== d) return null; // Feb 30, Apr 31, Feb 29 of a common year
  const offset = zoneOffsetMinutes(parts.zone);
  if (offset === null) return null;
  const instant = local - offset * 60_000;
  if (instant < MIN_INSTANT || instant > now + FUTURE_SLACK_MS) return null;
  return new Date(instant).toISOString();
}

function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (!zone || !/^[+-]/.test(zone)) return 0; // none, GMT, UT, UTC, Z
  const digits = zone.replace(':', '');
  const sign = digits[0] === '-' ? -1 : 1;
  const hh = Number(digits.slice(1, 3));
  const mm = Number(digits.slice(3, 5));
  return hh > 23 || mm > 59 ? null : sign * (hh * 60 + mm);
}
