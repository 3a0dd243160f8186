import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preferencesSchema } from '../digest/subscriptions.ts';
import { cleanCategories } from '../ingest/parsers/record.ts';
import { isCategoryList } from '../ingest/sources/rss.ts';
import { QueryError } from '../search/query/ast.ts';
import { parseQuery } from '../search/query/parse.ts';
import { categoryProblem, isCategory } from './category.ts';

const GOOD = [
  'cs',
  'cs.LG',
  'hep-th',
  'cond-mat.mes-hall',
  'astro-ph.CO',
  'math.AG',
  'physics.acc-ph',
  'q-bio.QM',
];
const BAD = [
  '',
  'CS',
  'cs.',
  'cs.-LG',
  'cs.1x',
  'cs.LG.x',
  'I.2.6',
  '68T05',
  '-cs',
  'cs/LG',
  `${'a'.repeat(22)}.LG`,
  `cs.${'A'.repeat(21)}`,
];

test('the category rule: archives, subject classes, and what it refuses', () => {
  for (const c of GOOD) assert.equal(isCategory(c), true, c);
  for (const c of BAD) assert.equal(isCategory(c), false, c);
});

test('categoryProblem says what is wrong and shows an example', () => {
  assert.equal(categoryProblem('cs.LG'), null);
  assert.match(
    categoryProblem('CS.LG')!,
    /"CS\.LG" is not an arXiv category \(the archive "CS".*like cs\.LG/,
  );
  assert.match(categoryProblem('cs.LG.x')!, /more than one dot/);
  assert.match(categoryProblem('cs.1x')!, /subject class "1x"/);
  assert.match(categoryProblem('')!, /empty category/);
});

// Before issue 13 these places held four different regexes: `cs.-LG` was a category to the digest
// preferences and the search parser but not to the ingest parsers; over-long ones passed some.
// (`CS` is left out: the search box is case-insensitive, `cat:CS` means `cat:cs`.)
test('every place that checks a category agrees with the one rule', () => {
  for (const c of [...GOOD, ...BAD.filter((b) => b !== '' && b !== 'CS')]) {
    const want = isCategory(c);
    const prefs = preferencesSchema.safeParse({ interests: { categories: [c] } }).success;
    assert.equal(prefs, want, `digest preferences: ${c}`);
    assert.equal(cleanCategories([c]).includes(c), want, `ingest parser: ${c}`);
    assert.equal(isCategoryList(c), want, `RSS feed list: ${c}`);
    let parsed = true;
    try {
      parseQuery(`cat:${c}`);
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      parsed = false;
    }
    assert.equal(parsed, want, `search cat: ${c}`);
  }
});
