/**
 * A BibTeX entry for a paper, in the shape arXiv's own export uses (@misc with eprint,
 * archivePrefix, primaryClass). Braces and backslashes in the data are neutralised so a title
 * cannot end the field early or inject another entry.
 */
import type { Paper } from '../papers/paper.ts';

/** Keeps text inside a braced field: unbalanced braces and backslashes would break the entry. */
export function bibtexField(s: string): string {
  return s
    .replace(/[\\{}]/g, ' ')
    .replace(/\s+/g, ' ')
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
