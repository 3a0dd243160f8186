/**
 * `node bench/quality/build-real-vocab.ts [--check]`: turns the hand-written source in
 * real-vocab-src/ into real-vocab.papers.jsonl (arXiv snapshot lines), real-vocab.queries.json and
 * real-vocab.similar.json. The text (titles, abstracts, comments, queries) is the source's; this
 * adds only the bookkeeping a snapshot record carries: ids, invented authors, versions, dates.
 * `--check` exits 1 when the tracked files differ from what the source builds.
 *
 * Source format (papers-*.txt), one paper after another:
 *   # comment                      (ignored; field headings)
 *   == <cluster> <cat> [<cat>...]  a group of papers on one problem, their categories
 *   @<key> <title>                 a paper of the current cluster
 *   c: <comments>   j: <journal-ref>   cats: <cat>...   (optional, after the title)
 *   any other lines                the abstract
 * queries.txt:
 *   title|paraphrase|question <key>[,<key>...] | <query text>
 *   similar <key> [: <key> <key> ...]   (without a list: the other papers of its cluster)
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArxivRecord } from '../corpus/papers.ts';
import {
  PAPERS_FILE,
  QUALITY_DIR,
  QUERIES_FILE,
  QUERY_KINDS,
  type QueryKind,
  type RealVocabQuery,
  SIMILAR_FILE,
  type SimilarJudgment,
  SOURCE_DIR,
} from './real-vocab.ts';

/**
 * New-style ids 2611.90001…: the generated corpus (bench/corpus/papers.ts) numbers months
 * 2015-01 … 2026-10 only, so November 2026 never collides whatever its size.
 */
const ID_MONTH = '2611';
const FIRST_NUMBER = 90_001;

interface SourcePaper {
  key: string;
  cluster: string;
  title: string;
  abstract: string[];
  categories: string[];
  comments: string | null;
  journalRef: string | null;
  line: string;
}

const FIRST = [
  'Aiko',
  'Bram',
  'Chiara',
  'Dmitri',
  'Esra',
  'Farid',
  'Greta',
  'Hyun-woo',
  'Ines',
  'Jonas',
  'Kavya',
  'Lior',
  'Mateo',
  'Nadia',
  'Oskar',
  'Priya',
  'Quentin',
  'Rania',
  'Soren',
  'Tala',
  'Umar',
  'Vera',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zofia',
  'Anselm',
  'Beatriz',
  'Caio',
  'Daria',
  'Emeka',
  'Fleur',
];
const LAST = [
  'Okonkwo',
  'Lindqvist',
  'Marchetti',
  'Tanaka',
  'Vasquez',
  'Haddad',
  'Novak',
  'Brennan',
  'Iyer',
  'Kowalczyk',
  'Duarte',
  'Achterberg',
  'Sato',
  'Moreau',
  'Petrov',
  'Quispe',
  'Rahman',
  'Schulte',
  'Teodorescu',
  'Ueda',
  'Valtonen',
  'Whitfield',
  'Xu',
  'Yilmaz',
  'Zhang',
  'Abernathy',
  'Bakshi',
  'Castellanos',
  'Delacroix',
  'Eriksen',
  'Fontaine',
  'Gallo',
  'Hoshino',
  'Ivanova',
  'Jaramillo',
];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function rfc822(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} Nov ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
}

/** Hard-wrapped with leading spaces, as the snapshot stores abstracts. */
function wrap(text: string, width = 78): string {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return `  ${lines.join('\n')}\n`;
}

function parsePapers(text: string, file: string): SourcePaper[] {
  const out: SourcePaper[] = [];
  let cluster: { name: string; cats: string[] } | null = null;
  let cur: SourcePaper | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const where = `${path.basename(file)}:${i + 1}`;
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('==')) {
      const [name, ...cats] = line.slice(2).trim().split(/\s+/);
      if (!name || cats.length === 0) throw new Error(`${where}: "== <cluster> <category>..." expected`);
      cluster = { name, cats };
      cur = null;
      return;
    }
    if (line.startsWith('@')) {
      const m = /^@([\w-]+)\s+(.+)$/.exec(line);
      if (!m || !cluster) throw new Error(`${where}: "@<key> <title>" after a "==" cluster line expected`);
      cur = {
        key: m[1]!,
        cluster: cluster.name,
        title: m[2]!,
        abstract: [],
        categories: cluster.cats,
        comments: null,
        journalRef: null,
        line: where,
      };
      out.push(cur);
      return;
    }
    if (!cur) throw new Error(`${where}: text outside a paper`);
    const p: SourcePaper = cur;
    if (line.startsWith('c: ')) p.comments = line.slice(3).trim();
    else if (line.startsWith('j: ')) p.journalRef = line.slice(3).trim();
    else if (line.startsWith('cats: ')) p.categories = line.slice(6).trim().split(/\s+/);
    else p.abstract.push(line);
  });
  return out;
}

function record(p: SourcePaper, i: number): ArxivRecord {
  const h = hash(p.key);
  const n = 1 + (h % 5);
  const names = Array.from({ length: n }, (_, k) => {
    const hk = hash(`${p.key}/${k}`);
    return [LAST[hk % LAST.length]!, FIRST[(hk >>> 8) % FIRST.length]!] as const;
  });
  const authors =
    names.length === 1
      ? `${names[0]![1]} ${names[0]![0]}`
      : `${names
          .slice(0, -1)
          .map(([l, f]) => `${f} ${l}`)
          .join(', ')} and ${names.at(-1)![1]} ${names.at(-1)![0]}`;
  // v1 spread over November 2026; a third get a v2 a few days later (still in November).
  const v1 = Date.UTC(2026, 10, 1 + (i % 24), 8 + (h % 12), (h >>> 4) % 60, (h >>> 10) % 60);
  const versions = [{ version: 'v1', created: rfc822(v1) }];
  let last = v1;
  if (h % 3 === 0) {
    last = v1 + (1 + (h % 5)) * 86_400_000 + 3_600_000;
    versions.push({ version: 'v2', created: rfc822(last) });
  }
  const id = `${ID_MONTH}.${FIRST_NUMBER + i}`;
  return {
    id,
    submitter: `${names[0]![1]} ${names[0]![0]}`,
    authors,
    title: p.title,
    comments: p.comments,
    'journal-ref': p.journalRef,
    doi: p.journalRef ? `10.5555/paperboy.${id}` : null,
    'report-no': null,
    categories: p.categories.join(' '),
    license: h % 2 ? 'http://creativecommons.org/licenses/by/4.0/' : null,
    abstract: wrap(p.abstract.join(' ')),
    versions,
    update_date: new Date(last).toISOString().slice(0, 10),
    authors_parsed: names.map(([l, f]) => [l, f, '']),
  };
}

export interface Built {
  papers: ArxivRecord[];
  queries: RealVocabQuery[];
  similar: SimilarJudgment[];
}

export async function buildRealVocab(dir = SOURCE_DIR): Promise<Built> {
  const files = (await readdir(dir)).filter((f) => /^papers-.*\.txt$/.test(f)).sort();
  const source: SourcePaper[] = [];
  for (const f of files) source.push(...parsePapers(await readFile(path.join(dir, f), 'utf8'), f));
  const idOf = new Map<string, string>();
  const papers = source.map((p, i) => {
    if (idOf.has(p.key)) throw new Error(`${p.line}: key @${p.key} used twice`);
    if (p.abstract.length === 0) throw new Error(`${p.line}: @${p.key} has no abstract`);
    const r = record(p, i);
    idOf.set(p.key, r.id);
    return r;
  });
  const ids = (keys: string[], where: string) =>
    keys.map((k) => {
      const id = idOf.get(k);
      if (!id) throw new Error(`${where}: unknown paper key "${k}"`);
      return id;
    });
  const queries: RealVocabQuery[] = [];
  const similar: SimilarJudgment[] = [];
  const qText = await readFile(path.join(dir, 'queries.txt'), 'utf8');
  qText.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const where = `queries.txt:${i + 1}`;
    if (line === '' || line.startsWith('#')) return;
    const sim = /^similar\s+([\w-]+)\s*(?::\s*(.*))?$/.exec(line);
    if (sim) {
      const key = sim[1]!;
      const cluster = source.find((p) => p.key === key)?.cluster;
      const mates = sim[2]
        ? sim[2].split(/\s+/).filter(Boolean)
        : source.filter((p) => p.cluster === cluster && p.key !== key).map((p) => p.key);
      similar.push({ id: ids([key], where)[0]!, similar: ids(mates, where) });
      return;
    }
    const m = /^(\w+)\s+([\w,-]+)\s*\|\s*(.+)$/.exec(line);
    if (!m || !QUERY_KINDS.includes(m[1] as QueryKind))
      throw new Error(`${where}: "<${QUERY_KINDS.join('|')}> <key>[,<key>] | <query>" expected`);
    queries.push({ kind: m[1] as QueryKind, q: m[3]!.trim(), relevant: ids(m[2]!.split(','), where) });
  });
  return { papers, queries, similar };
}

export function render(b: Built): { papers: string; queries: string; similar: string } {
  return {
    papers: b.papers.map((r) => `${JSON.stringify(r)}\n`).join(''),
    queries: `${JSON.stringify(b.queries, null, 1)}\n`,
    similar: `${JSON.stringify(b.similar, null, 1)}\n`,
  };
}

async function main(argv: string[]): Promise<number> {
  const out = render(await buildRealVocab());
  const targets: [string, string][] = [
    [PAPERS_FILE, out.papers],
    [QUERIES_FILE, out.queries],
    [SIMILAR_FILE, out.similar],
  ];
  if (argv.includes('--check')) {
    const stale: string[] = [];
    for (const [file, body] of targets) {
      const now = await readFile(file, 'utf8').catch(() => '');
      // biome formats the tracked JSON its own way: compare the JSON files by value.
      const same = file.endsWith('.json')
        ? now !== '' && JSON.stringify(JSON.parse(now)) === JSON.stringify(JSON.parse(body))
        : now === body;
      if (!same) stale.push(path.basename(file));
    }
    if (stale.length)
      process.stderr.write(`out of date: ${stale.join(', ')} (run node ${process.argv[1]})\n`);
    return stale.length ? 1 : 0;
  }
  for (const [file, body] of targets) await writeFile(file, body);
  // Left in biome's layout, so `biome check .` stays clean after a rebuild.
  execFileSync(
    path.join(QUALITY_DIR, '..', '..', 'node_modules', '.bin', 'biome'),
    ['format', '--write', QUERIES_FILE, SIMILAR_FILE],
    { stdio: 'ignore' },
  );
  const b = await buildRealVocab();
  process.stdout.write(
    `${b.papers.length} papers, ${b.queries.length} queries, ${b.similar.length} similar judgments\n`,
  );
  return 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
