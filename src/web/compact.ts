/**
 * The stylesheet and script are kept readable in the repository and sent without comments and
 * indentation: the first load of / (HTML + CSS + JS) has a 50 KB budget
 * (test/web/security.test.ts), and layout whitespace was a fifth of it.
 */

/**
 * CSS without comments, line breaks, indentation and the spaces around `{ } ; , : >` (none of
 * them carries meaning in app.css, which has no descendant combinator before a pseudo-class).
 */
export function compactCss(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .trim();
}

/**
 * JS without whole-line comments and leading indentation; line breaks stay, so automatic
 * semicolon insertion reads it as before (app.js has no string or template spanning lines).
 */
export function compactJs(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('//'))
    .join('\n');
}
