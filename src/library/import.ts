/**
 * Reading an import (issue 14): a pasted list of arXiv ids/URLs, or a BibTeX file. Pure and
 * linear in the input: every line or entry becomes one `ImportEntry` with where it was, so the
 * report can answer for each (added / already there / not found / unreadable) and nothing is
 * silently dropped. A broken BibTeX entry (unbalanced braces, a field that does not parse, no
 * arXiv id) is reported as unreadable and reading resumes at the next line starting with `@`.
 */
import { canonicalArxivId, InvalidArxivIdError } from '../papers/arxiv-id.ts';

export interface ImportEntry {
  /** "line 3", or "entry 2 (line 14, key vaswani2017)". */
  where: string;
  /** The text as given, cut to SHOWN characters. */
  input: string;
  /** Canonical arXiv id (no version), or null when unreadable. */
  id: string | null;
  /** Why it is unreadable. */
  reason?: string;
}

const SHOWN = 120;
const shown = (s: string) => (s.length > SHOWN ? `${s.slice(0, SHOWN)}…` : s);

function idOf(token: string): { id: string } | { reason: string } {
  try {
    return { id: canonicalArxivId(token) };
  } catch (err) {
    if (!(err instanceof InvalidArxivIdError)) throw err;
    return { reason: err.message.replace(/^Invalid arXiv id "(?:[^"\\]|\\.)*": /, '') };
  }
}

/** One entry per id, URL or word in the paste (whitespace or commas separate them). */
export function readPaste(text: string): ImportEntry[] {
  const out: ImportEntry[] = [];
  const lines = text.split(/\r\n?|\n/);
  lines.forEach((line, i) => {
    const tokens = line.split(/[\s,;]+/).filter(Boolean);
    for (const token of tokens) {
      const where = tokens.length > 1 ? `line ${i + 1}, "${shown(token)}"` : `line ${i + 1}`;
      const r = idOf(token);
      out.push({
        where,
        input: shown(token),
        ...('id' in r ? { id: r.id } : { id: null, reason: r.reason }),
      });
    }
  });
  return out;
}

// The line start of an entry: a broken entry ends where the next one begins.
const ENTRY_START = /^[ \t]*@[A-Za-z]+[ \t]*[{(]/gm;
const SKIPPED_TYPES = new Set(['comment', 'preamble', 'string']);

interface RawEntry {
  line: number;
  type: string;
  body: string | null;
  /** Why the entry could not be delimited. */
  broken?: string;
}

/** Splits a .bib into entries, each bounded by the next line-start `@` (linear in the text). */
function splitEntries(text: string): RawEntry[] {
  const matches = [...text.matchAll(ENTRY_START)];
  const lineAt = lineCounter(text);
  return matches.map((m, k) => {
    const limit = matches[k + 1]?.index ?? text.length;
    const open = m.index + m[0].length - 1;
    const type = m[0].trim().slice(1, -1).trim().toLowerCase();
    const end = closing(text, open, limit);
    const line = lineAt(m.index);
    if (end === -1)
      return {
        line,
        type,
        body: null,
        broken: 'unbalanced braces: the entry does not close before the next one',
      };
    return { line, type, body: text.slice(open + 1, end) };
  });
}

/** Offset of the `}` (or `)`) closing the entry opened at `open`, or -1 before `limit`. */
function closing(text: string, open: number, limit: number): number {
  const paren = text[open] === '(';
  let depth = paren ? 0 : 1;
  for (let i = open + 1; i < limit; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0 && !paren) return i;
      if (depth < 0) return -1;
    } else if (c === ')' && paren && depth === 0) return i;
  }
  return -1;
}

/** Line number (1-based) of an offset; offsets are asked in increasing order. */
function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let pos = 0;
  return (offset) => {
    for (; pos < offset; pos++) if (text.charCodeAt(pos) === 10) line++;
    return line;
  };
}

type Fields = Map<string, string>;

/** `key, name = {value} # "more", …` → key and fields; throws a message on a malformed field. */
function readFields(body: string): { key: string; fields: Fields } {
  const comma = body.indexOf(',');
  const key = (comma === -1 ? body : body.slice(0, comma)).trim();
  const fields: Fields = new Map();
  let i = comma === -1 ? body.length : comma + 1;
  const skip = () => {
    while (i < body.length && /[\s,]/.test(body[i]!)) i++;
  };
  for (skip(); i < body.length; skip()) {
    const name = /^[A-Za-z][\w:.+-]*/.exec(body.slice(i, i + 100))?.[0];
    if (!name) throw new Error(`expected a field name at "${shown(body.slice(i, i + 20))}"`);
    i += name.length;
    while (/\s/.test(body[i] ?? '')) i++;
    if (body[i] !== '=') throw new Error(`field ${name}: "=" missing`);
    i++;
    let value = '';
    for (;;) {
      while (/\s/.test(body[i] ?? '')) i++;
      const c = body[i];
      if (c === '{') {
        let depth = 0;
        const from = i;
        for (; i < body.length; i++) {
          if (body[i] === '{') depth++;
          else if (body[i] === '}' && --depth === 0) break;
        }
        if (depth !== 0) throw new Error(`field ${name}: unbalanced braces`);
        value += body.slice(from + 1, i++);
      } else if (c === '"') {
        const close = body.indexOf('"', i + 1);
        if (close === -1) throw new Error(`field ${name}: the quoted value never ends`);
        value += body.slice(i + 1, close);
        i = close + 1;
      } else {
        const word = /^[^\s,#]+/.exec(body.slice(i, i + 200))?.[0];
        if (!word) throw new Error(`field ${name}: no value`);
        value += word;
        i += word.length;
      }
      while (/\s/.test(body[i] ?? '')) i++;
      if (body[i] !== '#') break;
      i++;
    }
    fields.set(name.toLowerCase(), value.trim());
  }
  return { key, fields };
}

const ARXIV_DOI = /^(?:https?:\/\/(?:dx\.)?doi\.org\/)?10\.48550\/arxiv\.(.+)$/i;
const ARXIV_IN_TEXT = /arxiv:\s*([A-Za-z.-]+\/\d{7}|\d{4}\.\d{4,5})(v\d+)?/i;

/** The arXiv id an entry names: eprint, arxiv/arxivid, an arxiv.org url, an arXiv DOI, or "arXiv:…" in journal/note. */
function arxivIdOf(fields: Fields): { id: string } | { reason: string } {
  const tries: string[] = [];
  const prefix = (fields.get('archiveprefix') ?? fields.get('eprinttype') ?? 'arxiv').toLowerCase();
  const eprint = fields.get('eprint');
  if (eprint && prefix === 'arxiv') tries.push(eprint);
  for (const f of ['arxiv', 'arxivid', 'arxiv_id']) {
    const v = fields.get(f);
    if (v) tries.push(v);
  }
  for (const f of ['url', 'link', 'pdf']) {
    const v = fields.get(f);
    if (v && /arxiv\.org\//i.test(v)) tries.push(v);
  }
  const doi = ARXIV_DOI.exec(fields.get('doi') ?? '');
  if (doi) tries.push(doi[1]!);
  for (const f of ['journal', 'note', 'howpublished', 'booktitle']) {
    const m = ARXIV_IN_TEXT.exec(fields.get(f) ?? '');
    if (m) tries.push(m[1]!);
  }
  let firstReason: string | null = null;
  for (const t of tries) {
    const r = idOf(t);
    if ('id' in r) return r;
    firstReason ??= `"${shown(t)}": ${r.reason}`;
  }
  return {
    reason:
      firstReason ?? 'no arXiv id in its eprint, arxiv, url, doi (10.48550/arXiv.…) or journal/note fields',
  };
}

/** One entry per BibTeX entry (@comment, @preamble and @string are not papers and are skipped). */
export function readBibtex(text: string): ImportEntry[] {
  const out: ImportEntry[] = [];
  let n = 0;
  for (const e of splitEntries(text)) {
    if (SKIPPED_TYPES.has(e.type)) continue;
    n++;
    const head = `entry ${n} (line ${e.line}`;
    if (e.body === null) {
      out.push({ where: `${head})`, input: `@${e.type}`, id: null, reason: e.broken! });
      continue;
    }
    let parsed: { key: string; fields: Fields };
    try {
      parsed = readFields(e.body);
    } catch (err) {
      const key = e.body.split(',')[0]!.trim();
      out.push({
        where: `${head}${key ? `, key ${shown(key)}` : ''})`,
        input: `@${e.type}{${shown(key)}`,
        id: null,
        reason: (err as Error).message,
      });
      continue;
    }
    const where = `${head}${parsed.key ? `, key ${shown(parsed.key)}` : ''})`;
    const input = `@${e.type}{${shown(parsed.key)}`;
    const r = arxivIdOf(parsed.fields);
    out.push({ where, input, ...('id' in r ? { id: r.id } : { id: null, reason: r.reason }) });
  }
  if (n === 0 && text.trim())
    out.push({
      where: 'file',
      input: shown(text.trim().split('\n')[0]!),
      id: null,
      reason: 'no BibTeX entry (@article{…}, @misc{…}) in this file',
    });
  return out;
}
