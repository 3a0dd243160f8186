/**
 * Author strings as arXiv ships them: LaTeX accents (`J\"urgen`), comma/"and" lists with
 * affiliations in parentheses (`A. Smith (MIT), B. Jones (1 and 2) ((1) MIT, (2) CERN)`), hard
 * wraps and `et al.`. Rules: split only outside parentheses; a trailing `((1) X, (2) Y)` block
 * resolves numbered affiliations (else the raw text is kept); the keyname is the last word plus
 * lowercase particles before it (`van der Waals`); `Jr.`/`III` become the suffix. Runs once per
 * record of a multi-million-record import, so it is a single linear scan with module-level regexes.
 */
import type { Author } from './paper.ts';

// Accent commands -> combining marks; NFC then composes any letter that has a precomposed form.
// biome-ignore format: lookup table
const ACCENTS: Record<string, string> = {
  '"': '\u0308', "'": '\u0301', '`': '\u0300', '^': '\u0302', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  u: '\u0306', v: '\u030C', H: '\u030B', c: '\u0327', k: '\u0328', r: '\u030A', d: '\u0323', b: '\u0331',
};
// biome-ignore format: lookup table
const LETTERS: Record<string, string> = {
  o: 'ø', O: 'Ø', ss: 'ß', aa: 'å', AA: 'Å', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', l: 'ł', L: 'Ł', i: 'ı', j: 'ȷ',
};
// \"u  \"{u}  \'\i  \'{\i}  \c{c}  \c c  \v{s}  (the letter accents need a brace or a space).
const ACCENT_RE =
  /\\(?:(["'`^~=.])|([uvHckrdb])(?![A-Za-z]))[ \t]{0,2}(?:\{[ \t]{0,2}(\\[ij]|[A-Za-z])[ \t]{0,2}\}|\\([ij])(?![A-Za-z])(?:[ \t]{1,3}(?=[a-z]))?|([A-Za-z]))/g;
// \o  {\ss}  \aa  ... as control words; a space before a lowercase letter is swallowed as TeX
// does (`Bj\o rn` -> Bjørn), other spaces are kept (`\O Berg` stays two words).
const LETTER_RE = /\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])(?:[ \t]{1,3}(?=[a-z]))?/g;
const TIE_RE = /(?<!\\)~/g;
const BRACES_RE = /[{}]/g;
const WS_RE = /\s+/g;
const NAME_WS_RE = /[\s~]+/g; // `J.~Smith`: a TeX tie is a space in a name

type Groups = [sym?: string, word?: string, braced?: string, dotless?: string, bare?: string];

function accent(_m: string, ...[sym, word, braced, dotless, bare]: Groups): string {
  const base = braced ?? dotless ?? bare ?? '';
  const letter = base.length === 2 ? base[1]! : base; // `\i` / `\j`: accented i / j
  return letter + ACCENTS[(sym ?? word)!]; // composed by the final NFC pass
}

export function latexToUnicode(s: string): string {
  if (!s.includes('\\') && !s.includes('{')) return s;
  return s
    .replace(ACCENT_RE, accent)
    .replace(LETTER_RE, (_m, w: string) => LETTERS[w]!)
    .replace(TIE_RE, ' ')
    .replace(BRACES_RE, '')
    .replace(WS_RE, ' ')
    .trim()
    .normalize('NFC');
}

const PARTICLES = new Set(
  'van von der den de del della di da du des la le dos das ter ten zu zur'.split(' '),
);
const SUFFIX_RE = /^(?:[JjSs][Rr]\.?|II|III|IV)$/;
const COLLAB_WORDS = new Set('collaboration collaborations consortium team group collaborators'.split(' '));
const ETAL_RE = /(?:^|\s)(?:[Ee]t\.? al\.?|others)$/;
const PARENS_RE = /[()]/g;
const NUMLIST_RE = /^\d+(?:\s*(?:,|and|&)\s*\d+)*$/;
const NUM_SPLIT_RE = /\s*(?:,|and|&)\s*/;
const NUM_BLOCK_RE = /^\s*\(\s*\d+\s*\)/;
const NUM_MARK_RE = /\(\s*(\d+)\s*\)/g;
const TRAIL_SEP_RE = /[\s,;]+(?:and\s*)?$/;

/** Splits a display name into keyname / forenames / suffix. */
function nameParts(name: string, affiliation: string | null): Author {
  const words = name.split(' ');
  let last = words[words.length - 1]!;
  if (COLLAB_WORDS.has(last.toLowerCase()))
    return { name, keyname: name, forenames: '', suffix: '', affiliation };
  let suffix = '';
  if (words.length > 1 && last.length <= 3 && SUFFIX_RE.test(last)) {
    suffix = words.pop()!;
    last = words[words.length - 1]!;
  }
  let k = words.length - 1;
  while (k > 0 && PARTICLES.has(words[k - 1]!)) k--;
  const keyname = k === words.length - 1 ? last : words.slice(k).join(' ');
  const forenames = words.slice(0, k).join(' ');
  let display = forenames ? `${forenames} ${keyname}` : keyname;
  if (suffix) display += ` ${suffix}`;
  return { name: display, keyname, forenames, suffix, affiliation };
}

interface Segment {
  name: string;
  groups: string[];
}

/** Top-level split on "," and " and "; parenthesised text becomes the segment's groups. */
function segments(s: string): Segment[] | null {
  const out: Segment[] = [];
  let name = '';
  let groups: string[] = [];
  let depth = 0;
  let from = 0; // start of pending name text (depth 0) or group text (depth 1)
  const flush = (end: number) => {
    name += s.slice(from, end);
    out.push({ name, groups });
    name = '';
    groups = [];
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 40 /* ( */) {
      if (depth === 0) {
        name += s.slice(from, i);
        from = i + 1;
      }
      depth++;
    } else if (c === 41 /* ) */) {
      if (depth === 0) return null;
      if (--depth === 0) {
        groups.push(s.slice(from, i).trim());
        from = i + 1;
      }
    } else if (depth === 0 && c === 44 /* , */) {
      flush(i);
      from = i + 1;
    } else if (depth === 0 && c === 32 && s.startsWith('and ', i + 1)) {
      flush(i);
      from = i + 5;
      i += 4;
    }
  }
  if (depth !== 0) return null;
  flush(s.length);
  return out;
}

function numberedBlock(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const marks = [...text.matchAll(NUM_MARK_RE)];
  marks.forEach((m, j) => {
    const end = j + 1 < marks.length ? marks[j + 1]!.index : text.length;
    const aff = text
      .slice(m.index + m[0].length, end)
      .replace(TRAIL_SEP_RE, '')
      .trim();
    if (aff) map.set(m[1]!, aff);
  });
  return map;
}

function resolve(group: string, numbered: Map<string, string>): string {
  if (numbered.size === 0 || !NUMLIST_RE.test(group)) return group;
  const affs = group.split(NUM_SPLIT_RE).map((n) => numbered.get(n));
  return affs.every((a) => a !== undefined) ? affs.join('; ') : group;
}

export function parseAuthors(authors: string): Author[] {
  if (typeof authors !== 'string') return [];
  const s = latexToUnicode(authors).replace(NAME_WS_RE, ' ').trim();
  if (s === '') return [];
  // Unbalanced parentheses: drop them rather than guess which text is an affiliation.
  const segs = segments(s) ?? segments(s.replace(PARENS_RE, ''))!;
  const numbered = new Map<string, string>();
  for (const seg of segs) {
    if (seg.groups.length === 0) continue;
    seg.groups = seg.groups.filter((g) => {
      if (g.charCodeAt(0) !== 40 /* ( */ || !NUM_BLOCK_RE.test(g)) return g !== '';
      for (const [k, v] of numberedBlock(g)) numbered.set(k, v);
      return false;
    });
  }
  const out: Author[] = [];
  for (const seg of segs) {
    let name = seg.name.includes('  ') ? seg.name.replace(WS_RE, ' ').trim() : seg.name.trim();
    if (name.endsWith('al.') || name.endsWith('al') || name.endsWith('others'))
      name = name.replace(ETAL_RE, '').trim();
    const affiliation = seg.groups.length ? seg.groups.map((g) => resolve(g, numbered)).join('; ') : null;
    const prev = out[out.length - 1];
    if (prev && !prev.suffix && SUFFIX_RE.test(name)) {
      // "John Smith, Jr." — the comma split the suffix off its name.
      Object.assign(prev, nameParts(`${prev.name} ${name}`, prev.affiliation ?? affiliation));
    } else if (!name) {
      // "A. Smith, (MIT)": an affiliation on its own belongs to the author before it.
      if (prev && prev.affiliation === null) prev.affiliation = affiliation;
    } else {
      out.push(nameParts(name, affiliation));
    }
  }
  return out;
}

function tidy(s: unknown): string {
  return typeof s === 'string' ? latexToUnicode(s).replace(NAME_WS_RE, ' ').trim() : '';
}

/** `authors_parsed`: `[[last, first, suffix, ...affiliations], ...]`. */
export function authorsFromParsed(parsed: string[][]): Author[] {
  const out: Author[] = [];
  for (const entry of parsed) {
    if (!Array.isArray(entry)) continue;
    const keyname = tidy(entry[0]);
    const forenames = tidy(entry[1]);
    const suffix = tidy(entry[2]);
    if (!keyname && !forenames) continue;
    const affs = entry.slice(3).map(tidy).filter(Boolean);
    const name = [forenames, keyname, suffix].filter(Boolean).join(' ');
    out.push({ name, keyname, forenames, suffix, affiliation: affs.length ? affs.join('; ') : null });
  }
  return out;
}

const MARKS_RE = /\p{M}+/gu;
const UNDECOMPOSABLE_RE = /[øłđßæœı]/g;
const FOLD: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i' };

/** "Jürgen  Schmidhuber" -> "jurgen schmidhuber": the key for author pages and matching. */
export function authorKey(name: string): string {
  return latexToUnicode(name)
    .toLowerCase()
    .normalize('NFD')
    .replace(MARKS_RE, '')
    .replace(UNDECOMPOSABLE_RE, (c) => FOLD[c]!)
    .replace(WS_RE, ' ')
    .trim();
}

/** "A, B, C et al." once there are more than `max` authors. */
export function formatAuthorList(authors: Author[], max: number): string {
  const n = Number.isFinite(max) ? Math.max(1, Math.floor(max)) : authors.length;
  const names = authors.slice(0, n).map((a) => a.name);
  return authors.length > n ? `${names.join(', ')} et al.` : names.join(', ');
}
