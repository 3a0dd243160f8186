/**
 * The built-in embedder's learned synonyms: two names one topic uses interchangeably (a paper
 * says "automobile" or "car", never both) are found, while words of one topic that occur together
 * are not synonyms.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../shared/prng.ts';
import { BuiltinEmbedder } from './builtin.ts';

/** TOPICS topics of WORDS made-up words each; in topic 0 every paper also names the concept one way. */
function library(): string[] {
  const TOPICS = 40;
  const WORDS = 8;
  const rng = mulberry32(3);
  const word = (t: number, i: number) => `w${t}x${String.fromCharCode(97 + i)}`;
  const texts: string[] = [];
  for (let t = 0; t < TOPICS; t++)
    for (let p = 0; p < 30; p++) {
      const words: string[] = [];
      for (let i = 0; i < 30; i++) words.push(word(t, Math.floor(rng() * WORDS)));
      if (t === 0) for (let i = 0; i < 2; i++) words.push(p % 2 ? 'automobile' : 'car');
      texts.push(words.join(' '));
    }
  return texts;
}

describe('BuiltinEmbedder synonyms', () => {
  const texts = library();
  // Fewer dimensions than topics: LSA keeps one direction per topic and the two names share it.
  const model = BuiltinEmbedder.train(texts, { dimensions: 16 });

  it('finds names that share company and avoid each other', () => {
    assert.deepEqual(model.synonyms('automobile'), ['car']);
    assert.deepEqual(model.synonyms('car'), ['automobile']);
  });

  it('does not call words that occur together synonyms', () => {
    for (const w of ['w0xa', 'w0xb', 'w7xc'])
      assert.deepEqual(model.synonyms(w), [], `${w}: ${model.synonyms(w).join(',')}`);
  });

  it('does not pair words of two topics merged by too few dimensions', () => {
    // 24 dimensions for 40 topics: some topics share a direction, so their words are near in
    // vector space and never meet in a paper, yet each keeps its own topic's company.
    const merged = BuiltinEmbedder.train(texts, { dimensions: 24 });
    for (let t = 0; t < 40; t++)
      for (const c of 'abcdefgh') {
        const w = `w${t}x${c}`;
        assert.deepEqual(merged.synonyms(w), [], `${w}: ${merged.synonyms(w).join(',')}`);
      }
  });

  it('a query means the concept: a name and its synonym embed to the same query vector', async () => {
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
    const asDocs = dot(model.embedOne('automobile'), model.embedOne('car'));
    const asQueries = dot(
      (await model.embedQuery('automobile')).vector,
      (await model.embedQuery('car')).vector,
    );
    assert.ok(1 - asQueries < (1 - asDocs) / 100, `queries ${asQueries}, documents ${asDocs}`);
  });

  it('a phrase gets the synonyms its words share, never its own words', () => {
    assert.deepEqual(model.synonyms('automobile w0xa'), []);
    assert.deepEqual(model.synonyms('Automobile automobile'), ['car']);
  });
});

describe('BuiltinEmbedder idf', () => {
  const model = BuiltinEmbedder.train(
    ['prompt tuning of models', 'prompt learning', 'graph models', 'graph learning', 'rare words'],
    { dimensions: 4, synonyms: false },
  );
  it('is ln(N/df) for a known word, and null for an unknown one', () => {
    assert.ok(Math.abs(model.idf('prompt')! - Math.log(5 / 2)) < 1e-6);
    assert.equal(model.idf('zyxoflux'), null);
  });
  // The keyword index stems words, so an unseen inflection is as common there as its stem.
  it('takes an unknown inflection’s idf from the known form', () => {
    for (const w of ['prompts', 'Prompted', 'prompting', 'graphs', 'model'])
      assert.ok(model.idf(w) !== null, w);
  });
});

describe('BuiltinEmbedder vectors', () => {
  const texts = library();
  const model = BuiltinEmbedder.train(texts, { dimensions: 16 });

  it('a paper vector does not depend on what was embedded before', async () => {
    // The same text through a fresh copy of the model, and through this one after other papers
    // and a query (which spreads weights over synonyms): the word counts kept between calls
    // (builtin.ts #weightedSum) carry nothing over.
    const text = `${texts[0]} ${texts[0]!.split(' ')[0]}`;
    const first = BuiltinEmbedder.deserialize(model.serialize()).embedOne(text);
    await model.embed(texts.slice(0, 50));
    await model.embedQuery!('car w3xa');
    assert.deepEqual([...model.embedOne(text)], [...first]);
    assert.deepEqual([...model.embedOne(`${text} unknownword`)], [...first], 'unknown words add nothing');
    assert.notDeepEqual([...model.embedOne(`${text} ${text}`)], [...first], 'counts matter');
    assert.ok(Math.abs(Math.hypot(...first) - 1) < 1e-5, 'unit length');
  });
});
