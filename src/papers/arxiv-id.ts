/**
 * arXiv identifiers: one parser for every spelling users and upstream feeds use, so the rest of
 * the app only ever sees the canonical id (no version) plus an optional version number.
 *
 * Rules (https://info.arxiv.org/help/arxiv_identifier.html):
 * - new style `YYMM.NNNN` (0704..1412) or `YYMM.NNNNN` (1501 on), month 01..12;
 * - old style `archive(.SC)?/YYMMNNN` (1991..2007-03); the archive is lowercased, the subject
 *   class (`math.GT`) is kept as given;
 * - optional `vN` (N >= 1);
 * - wrappers: `arXiv:` (any case), `oai:arXiv.org:`, arxiv.org abs/pdf URLs (http/https, `www.`,
 *   `export.`, `.pdf`, trailing slash, query string, fragment). Other hosts are rejected.
 */

export class InvalidArxivIdError extends Error {
  override name = 'InvalidArxivIdError';
}

export interface ParsedArxivId {
  id: string;
  version: number | null;
}

const MAX_INPUT = 200;
const PREFIX = /^(?:oai:arxiv\.org:|arxiv:)/i;
const URL_FORM = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(abs|pdf)\/([^?#]*)(?:[?#].*)?$/is;
const OTHER_URL = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/i;
const NEW_STYLE = /^(\d\d)(\d\d)\.(\d{4,5})(?:v([1-9]\d{0,3}))?$/;
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)?)(\.[a-z]{2}(?:-[a-z]+)?)?\/(\d\d)(\d\d)(\d{3})(?:v([1-9]\d{0,3}))?$/i;
const VERSION = /^[vV]?([1-9]\d{0,5})$/;

type Analysis = ParsedArxivId | { reason: string };

function analyze(input: string): Analysis {
  if (input.length > MAX_INPUT) return { reason: `longer than ${MAX_INPUT} characters` };
  let s = input.trim();
  if (s === '') return { reason: 'empty' };
  s = s.replace(PREFIX, '');
  const url = URL_FORM.exec(s);
  if (url) {
    s = url[2]!.replace(/\/+$/, '');
    if (url[1]!.toLowerCase() === 'pdf' && s.toLowerCase().endsWith('.pdf')) s = s.slice(0, -4);
  } else if (OTHER_URL.test(s)) {
    return { reason: 'not an arxiv.org abs/pdf URL' };
  }
  const n = NEW_STYLE.exec(s);
  if (n) {
    const yymm = Number(n[1]) * 100 + Number(n[2]);
    const month = Number(n[2]);
    if (month < 1 || month > 12) return { reason: `month ${n[2]} does not exist` };
    if (yymm < 704) return { reason: 'new-style ids start in April 2007 (0704)' };
    const digits = yymm < 1501 ? 4 : 5;
    if (n[3]!.length !== digits) return { reason: `ids from ${n[1]}${n[2]} have ${digits}-digit numbers` };
    if (Number(n[3]) === 0) return { reason: 'paper number 0 does not exist' };
    return { id: `${n[1]}${n[2]}.${n[3]}`, version: n[4] ? Number(n[4]) : null };
  }
  const o = OLD_STYLE.exec(s);
  if (o) {
    const yy = Number(o[3]);
    const month = Number(o[4]);
    if (month < 1 || month > 12) return { reason: `month ${o[4]} does not exist` };
    const ym = (yy >= 91 ? 1900 + yy : 2000 + yy) * 100 + month;
    if (ym < 199107 || ym > 200703) return { reason: 'old-style ids run from 1991 to March 2007' };
    if (o[5] === '000') return { reason: 'paper number 000 does not exist' };
    const id = `${o[1]!.toLowerCase()}${o[2] ?? ''}/${o[3]}${o[4]}${o[5]}`;
    return { id, version: o[6] ? Number(o[6]) : null };
  }
  return { reason: 'does not look like an arXiv id (YYMM.NNNNN or archive/YYMMNNN)' };
}

/** Why `input` is not an arXiv id (null when it is one), e.g. "month 99 does not exist". */
export function whyNotArxivId(input: string): string | null {
  const a = analyze(input);
  return 'reason' in a ? a.reason : null;
}

/** Canonical id and version, or null when `input` is not an arXiv id in any accepted spelling. */
export function parseArxivId(input: string): ParsedArxivId | null {
  const a = analyze(input);
  return 'reason' in a ? null : a;
}

/** The canonical id without version; throws InvalidArxivIdError saying why otherwise. */
export function canonicalArxivId(input: string): string {
  return checked(input).id;
}

function checked(input: string): ParsedArxivId {
  const a = analyze(input);
  if (!('reason' in a)) return a;
  const shown = input.length > 80 ? `${input.slice(0, 80)}…` : input;
  throw new InvalidArxivIdError(`Invalid arXiv id ${JSON.stringify(shown)}: ${a.reason}`);
}

function withVersion(id: string, version: number | null | undefined): string {
  const p = checked(id);
  const v = version ?? p.version;
  if (v !== null && parseVersion(v) === null) {
    throw new InvalidArxivIdError(`Invalid arXiv version ${JSON.stringify(v)} for ${p.id}`);
  }
  return v === null ? p.id : `${p.id}v${v}`;
}

/** `https://arxiv.org/abs/<id>[vN]`; a version inside `id` is used unless `version` is given. */
export function arxivAbsUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/abs/${withVersion(id, version)}`;
}

/** `https://arxiv.org/pdf/<id>[vN]`. */
export function arxivPdfUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/pdf/${withVersion(id, version)}`;
}

/** "v3", "3" or 3 -> 3; anything else (v0, -1, 2.5, "x") -> null. */
export function parseVersion(v: string | number): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 1 ? v : null;
  if (typeof v !== 'string' || v.length > 10) return null;
  const m = VERSION.exec(v.trim());
  return m ? Number(m[1]) : null;
}
