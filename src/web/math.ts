/**
 * Titles, abstracts and search highlights with TeX as HTML for the site's views. The rendering
 * lives in src/papers/tex-html.ts because the digest's HTML part uses it too.
 */
export { abstractHtml, markedWithMath, titleHtml, withMath } from '../papers/tex-html.ts';
