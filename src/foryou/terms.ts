/**
 * Words for the keyword model (used when there is no semantic index): lower-case, accents
 * removed, a light plural fold (as search/match.ts matches followed searches), common English
 * and paper words dropped, so what remains says what a paper is about.
 */
import { fold, words } from '../search/match.ts';

// biome-ignore format: word list
const STOP = new Set(('a an and are as at be by can for from has have in into is it its of on or our that the their these this to we which with using use used via based new show shows paper propose proposed approach method methods results result study also than both such more over under between while when where how what not all any each other two one three only been they them then there here however thus well very most many may might do does did so if but about across after before during without within towards toward further first large small high low make made given set sets prior per among'.split(' ')));

/** Distinct content words of a text. */
function contentWords(text: string): string[] {
  const out = new Set<string>();
  for (const w of words(text)) {
    if (w.length < 3 || STOP.has(w) || /^\d+$/.test(w)) continue;
    out.add(fold(w));
  }
  return [...out];
}

/** A paper's terms: content words of title and abstract, and its categories as `cat:<code>`. */
export function paperTerms(p: { title: string; abstract: string; categories: string[] }): string[] {
  const t = contentWords(`${p.title} ${p.abstract}`);
  for (const c of p.categories) t.push(`cat:${c.toLowerCase()}`);
  return t;
}
