/**
 * Why a result matched: the query's words marked in the title and in a snippet of the abstract.
 * Pure functions over text; the view escapes and wraps the marked segments.
 */
export interface Segment {
  text: string;
  hit: boolean;
}

export interface HighlightTerm {
  /** Lower-cased words; several make a phrase. */
  words: string[];
  prefix: boolean;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Same word up to a short inflection ("network"/"networks", "train"/"training"). */
function sameWord(token: string, word: string, prefix: boolean): boolean {
  if (token === word) return true;
  if (prefix) return token.startsWith(word);
  const [short, long] = token.length < word.length ? [token, word] : [word, token];
  return short.length >= 4 && long.startsWith(short) && long.length - short.length <= 3;
}

export function highlight(text: string, terms: readonly HighlightTerm[]): Segment[] {
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    word: m[0].toLowerCase(),
  }));
  const marked = new Uint8Array(tokens.length);
  for (const t of terms) {
    if (t.words.length === 0) continue;
    for (let i = 0; i + t.words.length <= tokens.length; i++) {
      let ok = true;
      for (let j = 0; j < t.words.length && ok; j++) {
        const last = j === t.words.length - 1;
        ok = sameWord(tokens[i + j]!.word, t.words[j]!, t.prefix && last);
      }
      if (ok) for (let j = 0; j < t.words.length; j++) marked[i + j] = 1;
    }
  }
  const out: Segment[] = [];
  let at = 0;
  const push = (s: string, hit: boolean) => {
    if (!s) return;
    const prev = out.at(-1);
    if (prev && prev.hit === hit) prev.text += s;
    else out.push({ text: s, hit });
  };
  tokens.forEach((tok, i) => {
    if (!marked[i]) return;
    // Words of one phrase separated only by spaces stay one mark.
    push(text.slice(at, tok.start), out.at(-1)?.hit === true && /^\s+$/.test(text.slice(at, tok.start)));
    push(text.slice(tok.start, tok.end), true);
    at = tok.end;
  });
  push(text.slice(at), false);
  return out;
}

/** About `max` characters of `text` around its first match (the start when nothing matches). */
export function snippet(text: string, terms: readonly HighlightTerm[], max = 280): Segment[] {
  const clean = text.replace(/\s+/g, ' ').trim();
  const all = highlight(clean, terms);
  let firstHit = 0;
  let pos = 0;
  for (const s of all) {
    if (s.hit) {
      firstHit = pos;
      break;
    }
    pos += s.text.length;
  }
  let start = firstHit > max / 3 ? clean.lastIndexOf(' ', firstHit - Math.floor(max / 4)) + 1 : 0;
  if (start < 0) start = 0;
  let end = Math.min(clean.length, start + max);
  if (end < clean.length) {
    const cut = clean.lastIndexOf(' ', end);
    if (cut > start) end = cut;
  }
  const window = highlight(clean.slice(start, end), terms);
  if (start > 0) window.unshift({ text: '…', hit: false });
  if (end < clean.length) window.push({ text: '…', hit: false });
  return window;
}
