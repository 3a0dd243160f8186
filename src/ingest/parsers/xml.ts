/**
 * A small, defensive element tree on top of saxes (a non-validating streaming parser).
 *
 * Why a tree: upstream pages are a few MB at most, and walking a tree keeps each format parser
 * short. Why defensive:
 * - DOCTYPE is refused outright. saxes never expands DTD entities or fetches anything, but a
 *   document that carries a DTD is not something arXiv sends, so it is treated as hostile.
 * - The first *structural* error (mismatched/unclosed tag, text outside root, …) stops the tree:
 *   after it saxes' view of the structure is unreliable. Elements closed before the break keep
 *   `closed: true`, so callers still harvest every complete record before it.
 * - *Lexical* errors (undefined entity such as `&nbsp;`, a disallowed control character) only
 *   taint the elements open at that moment; the record containing them is rejected, the rest of
 *   the page survives.
 * - Each element keeps at most TEXT_KEEP chars of text but counts the full length, so a 5 MB
 *   title costs 64 KB and still fails the length cap.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { ParseIssue, ParserInput } from './types.ts';

export interface XmlElement {
  local: string;
  uri: string;
  /** Attributes by local name (namespace declarations omitted). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Direct text and CDATA, clipped to TEXT_KEEP chars. */
  text: string;
  /** Full length of the direct text, including what was clipped. */
  textLength: number;
  /** True once the end tag was seen before any structural error. */
  closed: boolean;
  line: number;
  /** Length of the parent's `text` when this element opened, to keep mixed content in order. */
  offset: number;
  /** First lexical problem seen while this element was open. */
  taint: string | null;
}

export interface XmlDoc {
  root: XmlElement | null;
  fatal: ParseIssue | null;
}

const TEXT_KEEP = 64 * 1024;
/** Real feeds nest about 6 deep; deep nesting only serves to blow stacks. */
const MAX_DEPTH = 64;
// Small chunks: saxes resolves namespaces by walking the open-tag stack, so a deeply nested chunk
// costs depth² before our depth limit can stop the parse.
const CHUNK = 8 * 1024;
/** saxes errors that do not break structure: reject the enclosing record, keep parsing. */
const LEXICAL = /undefined entity|disallowed character|character entity|unbound namespace prefix/;

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Lenient decode: invalid sequences become U+FFFD (records carrying them get rejected later). */
export function decodeInput(input: ParserInput): string {
  const s = typeof input === 'string' ? input : decoder.decode(input);
  // TextDecoder strips a BOM itself; strings may still carry one. Lone surrogates would make
  // saxes complain per character; U+FFFD makes them the same case as bad UTF-8.
  return (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s).toWellFormed();
}

export function parseXml(input: ParserInput): XmlDoc {
  const xml = decodeInput(input);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let fatal: ParseIssue | null = null;

  const fail = (reason: string, line = parser.line, column = parser.column): void => {
    if (!fatal) fatal = { where: `line ${line}:${column}`, reason };
  };
  const addText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (fatal || !top) return;
    if (top.text.length < TEXT_KEEP) top.text += t.slice(0, TEXT_KEEP - top.text.length);
    top.textLength += t.length;
  };

  parser.on('error', (err) => {
    if (fatal) return;
    const reason = err.message.replace(/^\d+:\d+: /, '');
    if (LEXICAL.test(reason)) {
      if (reason.startsWith('unbound namespace prefix')) return; // the element simply won't match
      for (const el of stack) el.taint ??= `${reason} (line ${parser.line}:${parser.column})`;
      return;
    }
    fail(reason);
  });
  parser.on('doctype', () => fail('DOCTYPE is not allowed (entities are never expanded or fetched)'));
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (fatal) return;
    if (stack.length >= MAX_DEPTH) return fail(`elements nested deeper than ${MAX_DEPTH}`);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix !== 'xmlns' && a.name !== 'xmlns') attrs[a.local] = a.value;
    }
    const el: XmlElement = {
      local: tag.local,
      uri: tag.uri,
      attrs,
      children: [],
      text: '',
      textLength: 0,
      closed: false,
      line: parser.line,
      offset: 0,
      taint: null,
    };
    const parent = stack[stack.length - 1];
    el.offset = parent?.text.length ?? 0;
    if (parent) parent.children.push(el);
    else root ??= el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    if (fatal) return;
    const el = stack.pop();
    if (el) el.closed = true;
  });
  parser.on('text', addText);
  parser.on('cdata', addText);

  try {
    // Feed in chunks so a fatal error early in a huge document stops the work early.
    for (let i = 0; i < xml.length && !fatal; ) {
      let end = Math.min(i + CHUNK, xml.length);
      if (end < xml.length && isHighSurrogate(xml.charCodeAt(end - 1))) end++;
      parser.write(xml.slice(i, end));
      i = end;
    }
    if (!fatal) parser.close();
  } catch (err) {
    // saxes reports through the handler; this only guards against the unexpected.
    fail(`XML parser failure: ${(err as Error).message}`);
  }
  if (!fatal && !root) fail('document has no root element');
  return { root, fatal };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** First child with this local name (and namespace URI when given). */
export function child(el: XmlElement | undefined, local: string, ns?: string): XmlElement | undefined {
  return el?.children.find((c) => c.local === local && (ns === undefined || c.uri === ns));
}

export function children(el: XmlElement | undefined, local: string, ns?: string): XmlElement[] {
  return el ? el.children.filter((c) => c.local === local && (ns === undefined || c.uri === ns)) : [];
}

/**
 * All text under the element, child elements flattened. Markup that slipped in unescaped is never
 * interpreted: `<title>a <b>x</b></title>` reads as "a x".
 */
export function textOf(el: XmlElement | undefined): string | null {
  if (!el) return null;
  if (el.children.length === 0) return el.text;
  let out = '';
  let at = 0;
  for (const c of el.children) {
    out += `${el.text.slice(at, c.offset)} ${textOf(c) ?? ''} `;
    at = c.offset;
  }
  return out + el.text.slice(at);
}

/** Full text length including clipped parts, for the caps. */
export function textLengthOf(el: XmlElement | undefined): number {
  if (!el) return 0;
  let n = el.textLength;
  for (const c of el.children) n += textLengthOf(c);
  return n;
}

/** First taint anywhere in the subtree. */
export function taintOf(el: XmlElement): string | null {
  if (el.taint) return el.taint;
  for (const c of el.children) {
    const t = taintOf(c);
    if (t) return t;
  }
  return null;
}
