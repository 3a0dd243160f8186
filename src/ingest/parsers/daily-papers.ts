/**
 * Daily-papers JSON (`GET /api/daily_papers?date=…`): an array of featured papers.
 *
 * Beware the two `publishedAt`s: `paper.publishedAt` is the arXiv submission date, the item's own
 * `publishedAt` is when the paper was featured (→ `featuredDay`). Only arXiv papers are accepted.
 */
import { extractLinks, isSafeHttpUrl } from '../../papers/links.ts';
import type { PaperInput, PaperLink } from '../../papers/paper.ts';
import { arxivIdFrom, authorFromName, buildPaper, checkDate, locate } from './record.ts';
import type { ParseIssue, ParseOptions, ParserInput } from './types.ts';
import { decodeInput } from './xml.ts';

export interface DailyPaper {
  paper: PaperInput;
  /** YYYY-MM-DD (UTC) the paper was featured. */
  featuredDay: string;
  upvotes: number;
  /** Username of whoever featured it. */
  submittedBy: string | null;
}

export interface DailyPapersResult {
  items: DailyPaper[];
  errors: ParseIssue[];
  seen: number;
  fatal: ParseIssue | null;
}

export interface DailyPapersOptions extends ParseOptions {
  /** The `date=` that was requested; used when an item lacks its own featured date. */
  day?: string;
}

export function parseDailyPapers(input: ParserInput, opts: DailyPapersOptions = {}): DailyPapersResult {
  const result: DailyPapersResult = { items: [], errors: [], seen: 0, fatal: null };
  const text = decodeInput(input);
  let list: unknown[];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) {
      const message = isObject(parsed) && typeof parsed.error === 'string' ? `: ${parsed.error}` : '';
      result.fatal = { where: 'document', reason: `expected a JSON array${message.slice(0, 200)}` };
      return result;
    }
    list = parsed;
  } catch (err) {
    // Salvage the complete items before the break (a truncated download keeps its head).
    result.fatal = { where: 'document', reason: `invalid JSON: ${(err as Error).message.slice(0, 200)}` };
    list = salvageArray(text);
  }

  const byId = new Map<string, { item: DailyPaper; where: string }>();
  list.forEach((raw, i) => {
    result.seen++;
    const paperObj = isObject(raw) && isObject(raw.paper) ? raw.paper : null;
    const where = locate('item', i + 1, str(paperObj?.id));
    const item = parseItem(raw, opts);
    if (typeof item === 'string') {
      result.errors.push({ where, reason: item });
      return;
    }
    const prev = byId.get(item.paper.arxivId);
    if (prev)
      result.errors.push({ where: prev.where, reason: `duplicate of ${item.paper.arxivId}; kept ${where}` });
    byId.delete(item.paper.arxivId); // re-insert so the survivor sits at its latest position
    byId.set(item.paper.arxivId, { item, where });
  });
  result.items = [...byId.values()].map((v) => v.item);
  return result;
}

function parseItem(raw: unknown, opts: DailyPapersOptions): DailyPaper | string {
  if (!isObject(raw)) return 'item is not an object';
  const p = raw.paper;
  if (!isObject(p)) return 'item has no paper object';
  const id = str(p.id);
  if (!id) return 'missing arXiv id';
  if (!arxivIdFrom(id)) return `not an arXiv id: ${JSON.stringify(id.slice(0, 80))}`;
  if (p.withdrawnAt != null) return 'paper was withdrawn';

  const featured = checkDate(str(raw.publishedAt), 'featured', opts);
  if (featured && typeof featured !== 'string') return featured.reason;
  const featuredDay = featured?.slice(0, 10) ?? opts.day;
  if (!featuredDay || !/^\d{4}-\d{2}-\d{2}$/.test(featuredDay)) return 'missing featured date';

  const authors = Array.isArray(p.authors) ? p.authors : [];
  const built = buildPaper(
    {
      id,
      title: str(p.title) ?? str(raw.title),
      abstract: str(p.summary) ?? str(raw.summary),
      authors: authors.flatMap((a) => {
        const name = isObject(a) ? str(a.name) : null;
        return name ? [authorFromName(name)] : [];
      }),
      categories: [],
      submitted: str(p.publishedAt),
      extraLinks: [link('code', p.githubRepo), link('project', p.projectPage)].filter((l) => l !== null),
    },
    opts,
  );
  if (!built.ok) return built.reason;
  const upvotes =
    typeof p.upvotes === 'number' && Number.isSafeInteger(p.upvotes) && p.upvotes >= 0 ? p.upvotes : 0;
  const by = isObject(raw.submittedBy) ? str(raw.submittedBy.name) : null;
  return { paper: built.paper, featuredDay, upvotes, submittedBy: by };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string field, or null; lone surrogates from `\ud800` escapes become U+FFFD (and get rejected). */
function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.toWellFormed() : null;
}

/**
 * `githubRepo` / `projectPage` to a link. Only safe absolute http(s) URLs (no javascript:, no
 * credentials); repository URLs go through the shared extractor so they normalize like the ones
 * found in abstracts and de-duplicate against them.
 */
function link(kind: PaperLink['kind'], v: unknown): PaperLink | null {
  const s = str(v)?.trim();
  if (!s || !isSafeHttpUrl(s)) return null;
  const known = kind === 'code' ? extractLinks(s, null).find((l) => l.kind === 'code') : undefined;
  if (known) return known;
  const u = new URL(s);
  return { kind, url: u.href, host: u.hostname.replace(/^www\./, '') };
}

/**
 * The complete top-level elements of a JSON array that was cut off or broken. Stops at the first
 * element that does not parse on its own, since nothing after a break can be trusted.
 */
function salvageArray(text: string): unknown[] {
  const out: unknown[] = [];
  const start = text.indexOf('[');
  if (start < 0) return out;
  let depth = 0;
  let inString = false;
  let elementStart = -1;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (elementStart < 0 && c !== undefined && !/[\s,\]]/.test(c)) elementStart = i;
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) break; // end of the outer array
      depth--;
    }
    if (depth === 0 && elementStart >= 0 && (c === '}' || c === ']')) {
      try {
        out.push(JSON.parse(text.slice(elementStart, i + 1)));
      } catch {
        break;
      }
      elementStart = -1;
    }
  }
  return out;
}
