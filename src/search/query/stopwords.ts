/**
 * Words a search box query does not require: function words and the filler of a question ("which
 * paper shows how to …"). A paper is not less relevant for lacking "the" or "paper", yet as
 * required words they emptied the keyword side of natural-language queries (issue 17). Quoted
 * phrases keep theirs ("state of the art" is matched as typed).
 */
const WORDS = `a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing done down during each few for from further
had has have having he her here hers him his how i if in into is it its itself just me more most my no
nor not now of off on once only or other our ours out over own same she should so some such than that the
their theirs them then there these they this those through to too under until up upon very was we were
what when where which while who whom why will with within without would you your yours
paper papers article work works study studies approach approaches method methods propose proposed
proposes present presents presented show shows shown using use used uses based via new novel
something someone remember recall looking find trying tried kind way ways thing things one ones
doing make makes making made get gets getting got keep keeps want wants need needs needed many much
several like really lot lots able still even well thus whether else anything anyone everything
there's what's it's don't can't i'm let lets tell know knows think may might must shall also
again ever often usually help helps actually basically maybe perhaps somehow someone's please
were was been us them`;

const STOP_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/));

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/**
 * Words that never count as "rare": the stop words above plus the words of arXiv's own boilerplate
 * that fill most abstracts. The built-in embedder leaves words in more than half of the papers out
 * of its vocabulary (embedder/builtin.ts MAX_DF_SHARE), so an unknown word would otherwise read as a
 * rare one. Used by the rare-word fold-in (rare-words.ts) and "more like this" (similar-fuse.ts);
 * every word in more than 30% of the generated bench corpus's papers is here.
 */
export const NEVER_RARE: ReadonlySet<string> = new Set([
  ...STOP_WORDS,
  ...'however two results first model data learning'.split(' '),
]);
