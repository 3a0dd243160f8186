/**
 * The one arXiv category rule. A category is an archive (`cs`, `hep-th`, `astro-ph`), optionally
 * followed by a subject class (`cs.LG`, `cond-mat.mes-hall`, `math.AG`). Archives are lower case;
 * subject classes are upper case in the modern archives and lower case in the physics ones. This
 * excludes the ACM (`I.2.6`) and MSC (`68T05`) terms the arXiv API mixes into `category`, and
 * bounds the length so a category can be a URL segment or a config value without more checks.
 */
const ARCHIVE = '[a-z][a-z-]{0,20}';
const SUBJECT = '[A-Za-z][A-Za-z-]{0,19}';

/** The rule as regex source, to embed in a larger pattern (e.g. RSS feed lists `cs.LG+stat.ML`). */
export const CATEGORY_SOURCE = `${ARCHIVE}(?:\\.${SUBJECT})?`;
export const CATEGORY_RE = new RegExp(`^${CATEGORY_SOURCE}$`);

/** What a schema says about a value that is not a category. */
export const CATEGORY_HINT = 'must be an arXiv category like cs.LG or an archive like cs';

export function isCategory(value: string): boolean {
  return CATEGORY_RE.test(value);
}

/** Why `value` is not a category (what is wrong, with an example), or null when it is one. */
export function categoryProblem(value: string): string | null {
  if (isCategory(value)) return null;
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === '') return 'an empty category: expected an arXiv category like cs.LG or an archive like cs';
  const [archive = '', subject] = value.split('.', 2);
  const why = !new RegExp(`^${ARCHIVE}$`).test(archive)
    ? `the archive "${archive.slice(0, 40)}" is not lower-case letters and dashes (at most 21)`
    : value.split('.').length > 2
      ? 'it has more than one dot'
      : `the subject class "${(subject ?? '').slice(0, 40)}" is not letters and dashes starting with a letter (at most 20)`;
  return `${shown} is not an arXiv category (${why}); expected one like cs.LG or cond-mat.mes-hall, or an archive like cs`;
}
