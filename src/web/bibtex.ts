/**
 * A BibTeX entry for a paper, in the shape arXiv's own export uses (@misc with eprint,
 * archivePrefix, primaryClass). LaTeX in titles is kept; unbalanced braces and file-touching TeX
 * commands are neutralised, so a title cannot end the field early, add an entry or run a command.
 */
import type { Paper } from '../papers/paper.ts';

/**
 * TeX commands that read or write files or redefine macros: a title carrying one would run it in
 * the reader's LaTeX build. Their backslashes are dropped (all of them: `\\input` must not leave
 * `\input`); every other command stays.
 */
const UNSAFE_TEX =
  /\\+(input|include|write|immediate|openout|openin|read|catcode|def|edef|gdef|xdef|let|csname|special|usepackage|makeatletter|newcommand|renewcommand)(?![A-Za-z])/g;

/** Braces balance in order (no prefix closes more than it opened). */
function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * Keeps text inside a braced field. LaTeX is kept as written (`$\alpha$`, `\emph{…}`, `{GAN}`
 * for capitals: arXiv titles carry it and a bibliography needs it) when its braces balance;
 * unbalanced braces would end the field early or open another entry, so then every brace goes.
 * A trailing backslash would escape the field's closing brace in TeX, so it goes too.
 */
export function bibtexField(s: string): string {
  let t = s.replace(/\s+/g, ' ').trim().replace(UNSAFE_TEX, '$1');
  if (!balanced(t)) t = t.replace(/[{}]/g, ' ');
  return t
    .replace(/\s+/g, ' ')
    .replace(/[\s\\]+$/, '')
    .trim();
}

/** `vaswani2017attention`-style key: first author's surname, year, first significant title word. */
export function bibtexKey(p: Pick<Paper, 'authors' | 'submittedAt' | 'title' | 'arxivId'>): string {
  const ascii = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]/g, '')
      .toLowerCase();
  const surname = ascii(p.authors[0]?.keyname ?? '') || 'anon';
  const year = p.submittedAt.slice(0, 4);
  const word =
    p.title
      .split(/\s+/)
      .map(ascii)
      .find((w) => w.length > 3 && !['with', 'from', 'into', 'over', 'towards', 'toward'].includes(w)) ?? '';
  return `${surname}${year}${word}` || `arxiv${ascii(p.arxivId)}`;
}

export function bibtex(p: Paper): string {
  const fields: [string, string][] = [
    ['title', bibtexField(p.title)],
    ['author', p.authors.map((a) => bibtexField(a.name)).join(' and ')],
    ['year', p.submittedAt.slice(0, 4)],
    ['eprint', p.arxivId],
    ['archivePrefix', 'arXiv'],
    ['primaryClass', p.primaryCategory],
    ['url', `https://arxiv.org/abs/${p.arxivId}`],
  ];
  if (p.doi) fields.push(['doi', bibtexField(p.doi)]);
  const body = fields.map(([k, v]) => `  ${k}={${v}}`).join(',\n');
  return `@misc{${bibtexKey(p)},\n${body}\n}`;
}
