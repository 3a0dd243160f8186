/**
 * Text → vector. Two implementations: the built-in model trained on the local corpus
 * (builtin.ts, the default: no download, no network) and a sentence-embedding ONNX model
 * through @huggingface/transformers (transformers.ts). Vectors come back L2-normalized, so the
 * dot product is the cosine similarity.
 */
export interface Embedder {
  /** Identifies the model and its weights; vectors from different ids are never compared. */
  readonly id: string;
  readonly dimensions: number;
  /** One vector per text (the text of a paper is its title and abstract, see paperText). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /**
   * A search box query, when the model treats queries differently from documents: `related`
   * names the words folded in, each with the query word it came from. Words in `exclude` (the
   * query's -words) are never folded in; `expand: false` embeds the words typed and nothing else.
   */
  embedQuery?(text: string, options?: QueryOptions): Promise<{ vector: Float32Array; related: Expansion[] }>;
  /** Words the model learned to be interchangeable with this word or phrase. */
  synonyms?(text: string): string[];
  /** How rare a word is in the corpus the model learned from (ln N/df); null when it never counted it. */
  idf?(word: string): number | null;
}

/** A word a search also looked for, and the query word it came from ("token ← pruning"). */
export interface Expansion {
  word: string;
  from: string;
}

export interface QueryOptions {
  exclude?: readonly string[];
  expand?: boolean;
}

/** What gets embedded for a paper: the title counts twice, as titles are dense with meaning. */
export function paperText(p: { title: string; abstract: string }): string {
  return `${p.title}\n${p.title}\n${p.abstract}`;
}

export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}
