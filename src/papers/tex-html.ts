/**
 * Titles and abstracts as HTML: `$…$` and `\(…\)` as inline maths, `$$…$$` and `\[…\]` as display
 * maths, rendered by KaTeX to MathML (which browsers draw natively: no KaTeX fonts or stylesheet
 * to ship) with untrusted-input settings: `trust: false` (no \href, \url, \includegraphics,
 * \html*), a small macro-expansion budget (no `\def` bombs), and errors shown as the source text
 * rather than KaTeX's inline-styled error markup. Outside maths, `\emph{…}`/`\textit{…}` become
 * <em>, `\textbf{…}` <strong>, and (for abstracts) http(s) URLs links; everything else is escaped.
 * The plain-text form of the same text is src/papers/tex-text.ts. Results are cached: abstracts
 * do not change often. The site (src/web/math.ts) and the digest's HTML part both use this.
 */
import katex from 'katex';
import { escapeHtml, raw, type SafeHtml } from '../shared/html.ts';
import { isSafeHttpUrl } from './links.ts';
import { MATH_SPAN, mathAlpha, spanOf } from './tex-text.ts';

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
} as const;

export interface MathOptions {
  /** Display maths (`$$…$$`) as a block; titles keep it inline. Default true. */
  display?: boolean;
  /** Turn http(s) URLs outside maths into links (abstracts, arXiv's comments line). */
  links?: boolean;
  /** [start, end) ranges of `text` to wrap in <mark> (search highlights); maths is not marked inside. */
  marks?: readonly (readonly [number, number])[];
}

const cache = new Map<string, string>();

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** Trailing punctuation is usually the sentence's, not the URL's; a `)` only when unbalanced. */
function trimUrl(url: string): string {
  let u = url.replace(/[.,;:!?'"]+$/, '');
  while (u.endsWith(')') && (u.match(/\(/g)?.length ?? 0) < (u.match(/\)/g)?.length ?? 0)) u = u.slice(0, -1);
  return u;
}

/** Where the linkable http(s) URLs in `text` are (start index and the URL), in order. */
export function urlSpans(text: string): { start: number; url: string }[] {
  const out: { start: number; url: string }[] = [];
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    if (isSafeHttpUrl(url)) out.push({ start: m.index, url });
  }
  return out;
}

/** One link, as every user- or upstream-written URL is shown: user content, not endorsed. */
export const linkHtml = (url: string): string =>
  `<a href="${escapeHtml(url)}" rel="nofollow ugc noopener">${escapeHtml(url)}</a>`;

/**
 * KaTeX wraps MathML in a span, a namespace and a <semantics> block whose annotation repeats the
 * source; the HTML parser needs none of it, and on a list page it doubled the bytes of each formula.
 * The source stays available as the accessible label. Chromium draws `mathvariant` only as
 * "normal" (MathML Core), so `\mathbb{E}` showed as a plain E: styled letters become the Unicode
 * mathematical alphanumerics (𝔼, ℝ, 𝒳, 𝐱) that look the same everywhere.
 */
function compact(mathml: string, tex: string): string {
  return mathml
    .replace(/^<span class="katex">/, '')
    .replace(/<\/span>$/, '')
    .replace(' xmlns="http://www.w3.org/1998/Math/MathML"', ` aria-label="${escapeHtml(tex)}"`)
    .replace(/<semantics>|<\/semantics>/g, '')
    .replace(/<annotation encoding="application\/x-tex">[^<]*<\/annotation>/, '')
    .replace(
      /<(mi|mn|mtext) mathvariant="([a-z-]+)">([^<]*)<\/\1>/g,
      (whole, tag: string, variant: string, text: string) => {
        const styled = mathAlpha(variant, text);
        return styled === null ? whole : `<${tag}>${styled}</${tag}>`;
      },
    );
}

/** Formulas by source: search highlights render uncached text, but their formulas repeat. */
const formulas = new Map<string, string>();

function renderTex(tex: string, display: boolean): string {
  const key = `${display ? 'd' : 'i'}${tex}`;
  const hit = formulas.get(key);
  if (hit !== undefined) return hit;
  let out: string;
  try {
    out = compact(katex.renderToString(tex, { ...OPTIONS, displayMode: display }), tex);
  } catch {
    out = `<code class="tex">$${escapeHtml(tex)}$</code>`;
  }
  if (formulas.size >= CACHE_ENTRIES) formulas.delete(formulas.keys().next().value!);
  formulas.set(key, out);
  return out;
}

/** `text[start, end)` escaped, with the parts inside `marks` in <mark>. */
function marked(text: string, start: number, end: number, marks: MathOptions['marks']): string {
  if (!marks?.length) return escapeHtml(text.slice(start, end));
  let out = '';
  let at = start;
  for (const [a, b] of marks) {
    const s = Math.max(a, at);
    const e = Math.min(b, end);
    if (s >= e) continue;
    out += `${escapeHtml(text.slice(at, s))}<mark>${escapeHtml(text.slice(s, e))}</mark>`;
    at = e;
  }
  return out + escapeHtml(text.slice(at, end));
}

/** Plain text between maths: links first (a URL is never split by a mark), then marks. */
function plain(text: string, start: number, end: number, o: MathOptions): string {
  if (!o.links) return marked(text, start, end, o.marks);
  const piece = text.slice(start, end);
  let out = '';
  let at = start;
  for (const u of urlSpans(piece)) {
    out += marked(text, at, start + u.start, o.marks) + linkHtml(u.url);
    at = start + u.start + u.url.length;
  }
  return out + marked(text, at, end, o.marks);
}

const TEXT_COMMAND = /\\(emph|textit|textbf)\s*\{([^{}$]*)\}/g;
const TAG: Record<string, string> = { emph: 'em', textit: 'em', textbf: 'strong' };

/** Text outside maths: `\emph{x}` → <em>x</em>, `\textbf{x}` → <strong>x</strong>. */
function textSegment(text: string, start: number, end: number, o: MathOptions): string {
  let out = '';
  let at = start;
  for (const m of text.slice(start, end).matchAll(TEXT_COMMAND)) {
    const s = start + m.index;
    const inner = s + m[0].length - 1 - m[2]!.length;
    const tag = TAG[m[1]!]!;
    out += `${plain(text, at, s, o)}<${tag}>${plain(text, inner, inner + m[2]!.length, o)}</${tag}>`;
    at = s + m[0].length;
  }
  return out + plain(text, at, end, o);
}

function render(text: string, o: MathOptions): string {
  let out = '';
  let last = 0;
  let segments = 0;
  for (const m of text.matchAll(MATH_SPAN)) {
    if (++segments > MAX_SEGMENTS) break;
    const { tex, display } = spanOf(m);
    out += textSegment(text, last, m.index, o);
    out +=
      tex.length > MAX_TEX_LENGTH || !tex.trim()
        ? escapeHtml(m[0])
        : renderTex(tex, display && o.display !== false);
    last = m.index + m[0].length;
  }
  return out + textSegment(text, last, text.length, o);
}

/** Text with maths as MathML and TeX's emphasis as HTML; anything else escaped. */
export function withMath(text: string, options: MathOptions = {}): SafeHtml {
  if (options.marks?.length) return raw(render(text, options));
  const key = `${options.display === false ? 'i' : 'd'}${options.links ? 'l' : '-'}${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return raw(hit);
  const out = render(text, options);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, out);
  return raw(out);
}

/** A title: inline maths only (it sits in a heading or a link). */
export const titleHtml = (title: string): SafeHtml => withMath(title, { display: false });

/** An abstract or arXiv's comments line: display maths and links. */
export const abstractHtml = (text: string): SafeHtml => withMath(text, { links: true });

/** Search highlight segments (text, hit) as one marked text with maths. */
export function markedWithMath(
  segments: readonly { text: string; hit: boolean }[],
  display = false,
): SafeHtml {
  let text = '';
  const marks: [number, number][] = [];
  for (const s of segments) {
    if (s.hit) marks.push([text.length, text.length + s.text.length]);
    text += s.text;
  }
  return withMath(text, { display, marks });
}
