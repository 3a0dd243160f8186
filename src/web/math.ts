/**
 * Inline `$…$` math in abstracts and titles, rendered by KaTeX to MathML (which browsers draw
 * natively: no KaTeX fonts or stylesheet to ship) with untrusted-input settings: `trust: false`
 * (no \href, \url, \includegraphics, \html*), a small macro-expansion budget (no `\def` bombs), and
 * errors shown as the source text rather than KaTeX's inline-styled error markup. Everything
 * outside math is escaped by `html`. Results are cached: abstracts do not change often.
 */
import katex from 'katex';
import { escapeHtml, raw, type SafeHtml } from './html.ts';

/** Segments longer than this, or more of them than MAX_SEGMENTS, stay text: cost is bounded per call. */
const MAX_TEX_LENGTH = 400;
const MAX_SEGMENTS = 40;
const CACHE_ENTRIES = 2000;

const OPTIONS = {
  output: 'mathml',
  throwOnError: true,
  trust: false,
  strict: 'ignore',
  maxExpand: 50,
  maxSize: 10,
  displayMode: false,
} as const;

/** `$…$` not preceded by a backslash; `$$…$$` is read as inline too (abstracts rarely mean display). */
const MATH = /(?<!\\)\$\$?([^$]{1,2000}?)\$?(?<!\\)\$/g;

const cache = new Map<string, string>();

/**
 * KaTeX wraps MathML in a span, a namespace and a <semantics> block whose annotation repeats the
 * source; the HTML parser needs none of it, and on a list page it doubled the bytes of each formula.
 * The source stays available as the accessible label.
 */
function compact(mathml: string, tex: string): string {
  return mathml
    .replace(/^<span class="katex">/, '')
    .replace(/<\/span>$/, '')
    .replace(' xmlns="http://www.w3.org/1998/Math/MathML"', ` aria-label="${escapeHtml(tex)}"`)
    .replace(/<semantics>|<\/semantics>/g, '')
    .replace(/<annotation encoding="application\/x-tex">[^<]*<\/annotation>/, '');
}

function renderTex(tex: string): string {
  try {
    return compact(katex.renderToString(tex, OPTIONS), tex);
  } catch {
    return `<code class="tex">$${escapeHtml(tex)}$</code>`;
  }
}

/** Text with inline math as MathML; anything else escaped. */
export function withMath(text: string): SafeHtml {
  const hit = cache.get(text);
  if (hit !== undefined) return raw(hit);
  let out = '';
  let last = 0;
  let segments = 0;
  for (const m of text.matchAll(MATH)) {
    const tex = m[1]!;
    if (++segments > MAX_SEGMENTS) break;
    out += escapeHtml(text.slice(last, m.index));
    out += tex.length > MAX_TEX_LENGTH || !tex.trim() ? escapeHtml(m[0]) : renderTex(tex);
    last = m.index + m[0].length;
  }
  out += escapeHtml(text.slice(last));
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(text, out);
  return raw(out);
}
