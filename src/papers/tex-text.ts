/**
 * Titles and abstracts as readable plain text, for every place that cannot draw MathML: the
 * browser's <title>, mail subjects and text parts, feed titles and descriptions (issue 16 item 3).
 * `On $\ell_1$-regularized $O(n \log n)$ \emph{trees}` → `On ℓ₁-regularized O(n log n) trees`.
 * One pass over the text; maths (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`) is read by a small TeX reader
 * that knows the common symbols and leaves anything else as its name without the backslash.
 * The HTML side (src/papers/tex-html.ts) renders the same spans with KaTeX instead.
 */
import { latexToUnicode } from './authors.ts';

/** Maths spans: `$$…$$`, `$…$` (not after a backslash), `\[…\]`, `\(…\)`. Shared with src/papers/tex-html.ts. */
export const MATH_SPAN =
  /(?<!\\)\$\$([^$]{1,2000}?)\$\$|(?<!\\)\$([^$]{1,2000}?)(?<!\\)\$|\\\[([\s\S]{1,2000}?)\\\]|\\\(([\s\S]{1,2000}?)\\\)/g;

/** The TeX of a MATH_SPAN match and whether it is display maths. */
export function spanOf(m: RegExpMatchArray): { tex: string; display: boolean } {
  if (m[1] !== undefined) return { tex: m[1], display: true };
  if (m[3] !== undefined) return { tex: m[3], display: true };
  return { tex: (m[2] ?? m[4])!, display: false };
}

// Mathematical alphanumerics (Unicode block U+1D400): capital A, small a, digit 0 of each style,
// and the letters that live elsewhere (ℝ, ℒ, ℜ …) because they were encoded before the block.
// biome-ignore format: lookup table
const ALPHA: Record<string, [number, number, number | null, Record<string, string>]> = {
  'double-struck': [0x1d538, 0x1d552, 0x1d7d8, { C: 'ℂ', H: 'ℍ', N: 'ℕ', P: 'ℙ', Q: 'ℚ', R: 'ℝ', Z: 'ℤ' }],
  script: [0x1d49c, 0x1d4b6, null, { B: 'ℬ', E: 'ℰ', F: 'ℱ', H: 'ℋ', I: 'ℐ', L: 'ℒ', M: 'ℳ', R: 'ℛ', e: 'ℯ', g: 'ℊ', o: 'ℴ' }],
  fraktur: [0x1d504, 0x1d51e, null, { C: 'ℭ', H: 'ℌ', I: 'ℑ', R: 'ℜ', Z: 'ℨ' }],
  bold: [0x1d400, 0x1d41a, 0x1d7ce, {}],
  'bold-italic': [0x1d468, 0x1d482, null, {}],
  'sans-serif': [0x1d5a0, 0x1d5ba, 0x1d7e2, {}],
  'bold-sans-serif': [0x1d5d4, 0x1d5ee, 0x1d7ec, {}],
  monospace: [0x1d670, 0x1d68a, 0x1d7f6, {}],
};

/**
 * `E` in double-struck → `𝔼`; null when the style or a character has no such form (Chromium draws
 * MathML's mathvariant only as "normal", so styled letters must be these characters).
 */
export function mathAlpha(variant: string, text: string): string | null {
  const style = ALPHA[variant];
  if (!style || !text) return null;
  const [upper, lower, digit, holes] = style;
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (holes[c]) out += holes[c];
    else if (c >= 'A' && c <= 'Z') out += String.fromCodePoint(upper + code - 65);
    else if (c >= 'a' && c <= 'z') out += String.fromCodePoint(lower + code - 97);
    else if (c >= '0' && c <= '9' && digit !== null) out += String.fromCodePoint(digit + code - 48);
    else return null;
  }
  return out;
}

// biome-ignore format: lookup table
const SYMBOLS: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', zeta: 'ζ', eta: 'η',
  theta: 'θ', vartheta: 'ϑ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π',
  varpi: 'ϖ', rho: 'ρ', varrho: 'ϱ', sigma: 'σ', varsigma: 'ς', tau: 'τ', upsilon: 'υ', phi: 'ϕ',
  varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ',
  Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Upsilon: 'Υ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  ell: 'ℓ', hbar: 'ℏ', imath: 'ı', jmath: 'ȷ', infty: '∞', partial: '∂', nabla: '∇', emptyset: '∅',
  varnothing: '∅', forall: '∀', exists: '∃', neg: '¬', lnot: '¬', top: '⊤', bot: '⊥', prime: '′',
  leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', ne: '≠', ll: '≪', gg: '≫', approx: '≈', sim: '∼',
  simeq: '≃', cong: '≅', equiv: '≡', propto: '∝', in: '∈', notin: '∉', ni: '∋', subset: '⊂',
  subseteq: '⊆', supset: '⊃', supseteq: '⊇', cup: '∪', cap: '∩', setminus: '∖', times: '×',
  cdot: '·', cdots: '⋯', ldots: '…', dots: '…', pm: '±', mp: '∓', div: '÷', ast: '∗', star: '⋆',
  circ: '∘', bullet: '•', oplus: '⊕', otimes: '⊗', odot: '⊙', wedge: '∧', land: '∧', vee: '∨',
  lor: '∨', to: '→', rightarrow: '→', leftarrow: '←', gets: '←', leftrightarrow: '↔',
  Rightarrow: '⇒', Leftarrow: '⇐', Leftrightarrow: '⇔', implies: '⟹', iff: '⟺', mapsto: '↦',
  sum: '∑', prod: '∏', int: '∫', oint: '∮', langle: '⟨', rangle: '⟩', lfloor: '⌊', rfloor: '⌋',
  lceil: '⌈', rceil: '⌉', mid: '∣', vert: '|', Vert: '‖', lvert: '|', rvert: '|', lVert: '‖',
  rVert: '‖', sqrt: '√', degree: '°', angle: '∠', perp: '⊥', parallel: '∥', triangle: '△',
  dagger: '†', quad: ' ', qquad: ' ', colon: ':', '|': '‖', '{': '{', '}': '}', '%': '%', '&': '&',
  _: '_', '#': '#', $: '$', ',': ' ', ';': ' ', ':': ' ', ' ': ' ', '!': '', '\\': ' ',
};
/** Dropped with their argument kept: fonts without a plain form, sizing and `\left`/`\right`. */
const PLAIN_FONTS = new Set(
  'mathrm text textrm textnormal textit textbf textsf texttt textsc textup mathit mathsf mathtt mbox operatorname emph mathnormal hbox'.split(
    ' ',
  ),
);
const FONT_STYLE: Record<string, string> = {
  mathbb: 'double-struck',
  Bbb: 'double-struck',
  mathcal: 'script',
  mathscr: 'script',
  mathfrak: 'fraktur',
  mathbf: 'bold',
  boldsymbol: 'bold',
  bm: 'bold',
};
const DROPPED = new Set(
  'left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr displaystyle textstyle scriptstyle limits nolimits nonumber'.split(
    ' ',
  ),
);
// biome-ignore format: lookup table
const ACCENT: Record<string, string> = {
  hat: '\u0302', widehat: '\u0302', bar: '\u0304', overline: '\u0305', tilde: '\u0303', widetilde: '\u0303',
  vec: '\u20d7', dot: '\u0307', ddot: '\u0308',
};
const SUP: Record<string, string> = Object.fromEntries(
  [...'0123456789+-=()niTabcdefghjklmoprstuvwxyz'].map((c, i) => [
    c,
    '⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻ'[i]!,
  ]),
);
const SUB: Record<string, string> = Object.fromEntries(
  [...'0123456789+-=()aehijklmnoprstuvx'].map((c, i) => [c, '₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ'[i]!]),
);
SUP['−'] = '⁻';
SUP['′'] = '′';
SUP['∗'] = '*';
SUP['*'] = '*';
SUP['⊤'] = 'ᵀ';
SUB['−'] = '₋';

function script(arg: string, table: Record<string, string>, mark: string): string {
  const chars = [...arg];
  if (chars.length && chars.every((c) => table[c] !== undefined)) return chars.map((c) => table[c]).join('');
  return chars.length > 1 ? `${mark}(${arg})` : `${mark}${arg}`;
}

/** Wraps a fraction part or root in parentheses unless it is one symbol or number. */
const atom = (s: string) => (/^(?:[\p{L}\p{N}.]+|\(.*\))$/u.test(s) ? s : `(${s})`);

/** A small TeX maths reader: one left-to-right pass, groups read recursively. */
class MathReader {
  #s: string;
  #i = 0;
  constructor(s: string) {
    this.#s = s;
  }

  read(): string {
    return this.#seq().replace(/\s+/g, ' ').trim();
  }

  #seq(): string {
    let out = '';
    while (this.#i < this.#s.length && this.#s[this.#i] !== '}') out += this.#token();
    return out;
  }

  /** One argument: a braced group, a command, or a single character. */
  #arg(): string {
    while (this.#s[this.#i] === ' ') this.#i++;
    const c = this.#s[this.#i];
    if (c === undefined || c === '}') return '';
    if (c === '{') {
      this.#i++;
      const inner = this.#seq();
      this.#i++;
      return inner.trim();
    }
    return this.#token();
  }

  #token(): string {
    const c = this.#s[this.#i]!;
    this.#i++;
    if (c === '{') {
      const inner = this.#seq();
      this.#i++;
      return inner;
    }
    if (c === '^') return script(this.#arg(), SUP, '^');
    if (c === '_') return script(this.#arg(), SUB, '_');
    if (c === '~') return ' ';
    if (c === "'") return '′';
    if (c === '-') return '−';
    if (c === '\\') return this.#command();
    return c;
  }

  #command(): string {
    const name = /^[A-Za-z]+/.exec(this.#s.slice(this.#i))?.[0] ?? this.#s[this.#i] ?? '';
    this.#i += name.length;
    if (DROPPED.has(name)) {
      if (this.#s[this.#i] === '.') this.#i++; // `\left.` is an invisible delimiter
      return '';
    }
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
      const num = this.#arg();
      return `${atom(num)}/${atom(this.#arg())}`;
    }
    if (name === 'sqrt') {
      if (this.#s[this.#i] === '[') this.#i = this.#s.indexOf(']', this.#i) + 1 || this.#s.length;
      return `√${atom(this.#arg())}`;
    }
    if (name === 'not') return `${this.#arg()}\u0338`;
    const style = FONT_STYLE[name];
    if (style) {
      const arg = this.#arg();
      return mathAlpha(style, arg) ?? arg;
    }
    if (PLAIN_FONTS.has(name)) return this.#arg();
    const accent = ACCENT[name];
    if (accent) {
      const arg = this.#arg();
      return [...arg].length === 1 ? `${arg}${accent}`.normalize('NFC') : arg;
    }
    return SYMBOLS[name] ?? name;
  }
}

/** Maths TeX (without its `$`) as plain text. */
function mathText(tex: string): string {
  return new MathReader(tex).read();
}

/** Text-mode commands whose argument is the text: `\emph{x}` → `x`. */
const TEXT_COMMAND =
  /\\(?:emph|textit|textbf|textsl|textsc|texttt|textsf|textrm|textup|text|mbox|underline)\s*\{([^{}]*)\}/g;
const TEXT_ESCAPE = /\\([%&_#$])/g;

function textModeText(s: string): string {
  const t = s
    .replace(TEXT_COMMAND, '$1')
    .replace(TEXT_COMMAND, '$1')
    .replace(TEXT_ESCAPE, '$1')
    .replace(/---/g, '—')
    .replace(/--/g, '–')
    .replace(/``|''/g, '"');
  return latexToUnicode(t);
}

const cache = new Map<string, string>();
const CACHE_ENTRIES = 2000;

/**
 * Readable plain text of a title or abstract with TeX. Whitespace runs become one space (the
 * places it serves are one line or reflowed anyway). Text without `$` or `\` is returned as is.
 */
export function texText(s: string): string {
  if (!s.includes('$') && !s.includes('\\') && !s.includes('{')) return s;
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  let out = '';
  let last = 0;
  for (const m of s.matchAll(MATH_SPAN)) {
    out += textModeText(s.slice(last, m.index));
    // Words around an inline span keep their spaces: `an $\ell_1$ penalty`.
    if (/\s$/.test(s.slice(0, m.index))) out += ' ';
    out += mathText(spanOf(m).tex);
    last = m.index + m[0].length;
    if (/^\s/.test(s.slice(last))) out += ' ';
  }
  out += textModeText(s.slice(last));
  const result = out.replace(/\s+/g, ' ').trim();
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(s, result);
  return result;
}

/**
 * A cut-short text (a card's lead, a mail's snippet) never ends inside a maths span: an unescaped
 * `$` after the last whole span opens one that was cut, so the text ends before it.
 */
export function cutOutsideMath(s: string): string {
  let end = 0;
  for (const m of s.matchAll(MATH_SPAN)) end = m.index + m[0].length;
  const open = s.slice(end).search(/(?<!\\)\$/);
  return open < 0 ? s : s.slice(0, end + open).trimEnd();
}
