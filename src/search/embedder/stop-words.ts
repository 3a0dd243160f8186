/**
 * English function words (and arXiv's boilerplate ones) that never count as "rare": the built-in
 * embedder leaves words in more than half of the papers out of its vocabulary (builtin.ts
 * MAX_DF_SHARE), so for them an unknown word would otherwise read as a rare one. Used by the
 * rare-word fold-in (rare-words.ts) and "more like this" (similar-fuse.ts). Every word
 * in more than 30% of the generated bench corpus's papers is here.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about also an and are as at be been being both but by can could do does each for from has ' +
    'have how however i in into is it its me more most my new no not of on one only or other our ' +
    'over paper papers such than that the their them then there these they this those through to ' +
    'two under up us use used using via was we well were what when where which while who why will ' +
    'with within without would you your show shows propose proposed approach method methods ' +
    'results based first find looking remember model data learning'
  ).split(' '),
);
