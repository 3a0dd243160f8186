/**
 * The digest mail: an HTML part (tables and inline styles, because most mail clients drop
 * stylesheets; a `prefers-color-scheme` block and `color-scheme` meta for clients that honour dark
 * mode, with colours chosen to stay readable when a client inverts them instead) and a plain-text
 * part carrying the same content and links. Every value from a paper or a subscriber is escaped.
 * Titles and abstracts with TeX: MathML in the HTML part, as on the site (src/papers/tex-html.ts; clients
 * without MathML show its symbols as text), and the plain-text form (src/papers/tex-text.ts) in
 * the subject and the text part.
 */

import { titleHtml, withMath } from '../papers/tex-html.ts';
import { cutOutsideMath, texText } from '../papers/tex-text.ts';
import type { CandidatePaper } from '../search/match.ts';
import { html, raw, type SafeHtml } from '../shared/html.ts';
import type { ComposedDigest, DigestItem } from './compose.ts';

export interface DigestLinks {
  site: string;
  web: string;
  unsubscribe: string;
  preferences: string;
  paper(arxivId: string): string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const ABSTRACT_CHARS = 300;

function snippet(s: string, max = ABSTRACT_CHARS): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return `${cutOutsideMath(cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20)))}…`;
}

function authorsLine(authors: string[]): string {
  return authors.length > 4 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
}

function subjectOf(d: ComposedDigest, siteName: string): string {
  const kind = d.period.frequency === 'weekly' ? 'weekly' : 'daily';
  if (d.items.length === 0) return `${siteName} ${kind} · ${d.period.label}: nothing new`;
  const first = texText(d.items[0]!.paper.title.replace(/\s+/g, ' ').trim());
  const lead = first.length > 70 ? `${first.slice(0, 69)}…` : first;
  return `${siteName} ${kind} · ${d.period.label}: ${lead}${d.items.length > 1 ? ` +${d.items.length - 1}` : ''}`;
}

/**
 * The parts of a paper's entry that are the same in every digest it appears in, made once per
 * paper (a run renders the same few hundred papers into thousands of mails). Keyed by the paper
 * object and checked against its link, so the output is exactly what rendering afresh would give.
 */
interface PaperParts {
  url: string;
  /** Plain text (TeX's readable form), for the text part. */
  title: string;
  authors: string;
  categories: string;
  /** Plain text, for the text part. */
  snippet: string;
  /** HTML from the title link through the tags' opening `<div>` (votes follow the tags). */
  htmlHead: SafeHtml;
  htmlAbstract: SafeHtml;
}

const partsCache = new WeakMap<CandidatePaper, PaperParts>();

function partsOf(p: CandidatePaper, links: DigestLinks): PaperParts {
  const url = links.paper(p.arxivId);
  const cached = partsCache.get(p);
  if (cached && cached.url === url) return cached;
  const title = p.title.replace(/\s+/g, ' ').trim();
  const plainTitle = texText(title);
  const authors = authorsLine(p.authors);
  const abstract = snippet(p.abstract);
  const tags = p.categories
    .slice(0, 3)
    .map(
      (c) =>
        html`<span class="pb-tag" style="display:inline-block;background:${C.tag};color:${C.muted};border-radius:4px;padding:1px 6px;margin-right:4px;font-size:12px;">${c}</span>`,
    );
  const parts: PaperParts = {
    url,
    title: plainTitle,
    authors,
    categories: p.categories.slice(0, 3).join(', '),
    snippet: snippet(texText(p.abstract)),
    htmlHead: html`<a class="pb-link" href="${url}" style="color:${C.link};font-size:16px;font-weight:600;line-height:1.35;text-decoration:none;">${titleHtml(title)}</a>
<div class="pb-muted" style="color:${C.muted};font-size:13px;margin-top:4px;">${authors}</div>
<div style="margin-top:6px;">${tags}`,
    htmlAbstract: html`<div class="pb-text" style="color:${C.text};font-size:14px;line-height:1.5;margin-top:8px;">${withMath(abstract, { display: false })}</div>`,
  };
  partsCache.set(p, parts);
  return parts;
}

/**
 * Sections in mail order: For you (account holders, issue 14 item 6) leads when there is one; it
 * is left out of the list otherwise, so other digests render byte for byte as before.
 */
function sectionsOf(d: ComposedDigest): [DigestItem['section'], string][] {
  const forYou: [DigestItem['section'], string][] = d.items.some((i) => i.section === 'foryou')
    ? [['foryou', 'For you']]
    : [];
  return [
    ...forYou,
    ['highlights', d.period.frequency === 'weekly' ? 'Trending this week' : 'Trending today'],
    ['interests', 'Matching your interests'],
  ];
}

function textItem(item: DigestItem, n: number, links: DigestLinks): string {
  const parts = partsOf(item.paper, links);
  const lines = [`${n}. ${parts.title}`, `   ${parts.authors}`];
  const meta = [parts.categories];
  if (item.upvotes !== null) meta.push(`${item.upvotes} upvote${item.upvotes === 1 ? '' : 's'}`);
  if (item.reasons.length && item.section === 'interests') meta.push(`matches ${item.reasons.join(', ')}`);
  lines.push(`   ${meta.join(' · ')}`);
  if (item.reasons.length && item.section === 'foryou') lines.push(`   Why: ${item.reasons.join('; ')}`);
  lines.push(`   ${parts.url}`, '', `   ${parts.snippet}`);
  return lines.join('\n');
}

const ALERTS_TITLE = 'Your alerts';

function renderText(d: ComposedDigest, links: DigestLinks, siteName: string): string {
  const out: string[] = [
    `${siteName} — ${d.period.frequency} digest, ${d.period.label}`,
    `Web version: ${links.web}`,
    '',
  ];
  // Alerts lead (issue 15): they are what the reader asked to be told about.
  if (d.alerts?.length) {
    out.push(ALERTS_TITLE, '-'.repeat(ALERTS_TITLE.length), '');
    for (const a of d.alerts)
      out.push(`* ${texText(a.title.replace(/\s+/g, ' ').trim())}`, `  ${a.reason}`, `  ${a.url}`, '');
  }
  const sections = sectionsOf(d);
  let n = 1;
  for (const [section, title] of sections) {
    const items = d.items.filter((i) => i.section === section);
    if (items.length === 0) continue;
    out.push(title, '-'.repeat(title.length), '');
    for (const item of items) out.push(textItem(item, n++, links), '');
  }
  if (d.items.length === 0) out.push('Nothing new for you this time.', '');
  out.push(
    '--',
    `Change what you get: ${links.preferences}`,
    `Unsubscribe (one click): ${links.unsubscribe}`,
    '',
  );
  return out.join('\n');
}

// Colours: light defaults inline; the <style> block re-colours for dark mode where supported.
const C = {
  bg: '#f4f4f5',
  card: '#ffffff',
  text: '#18181b',
  muted: '#52525b',
  link: '#1d4ed8',
  rule: '#e4e4e7',
  tag: '#f4f4f5',
};
const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

const DARK_CSS = `
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  body, .pb-bg { background: #18181b !important; }
  .pb-card { background: #27272a !important; }
  .pb-text { color: #f4f4f5 !important; }
  .pb-muted { color: #a1a1aa !important; }
  .pb-link { color: #93c5fd !important; }
  .pb-tag { background: #3f3f46 !important; color: #e4e4e7 !important; }
  .pb-rule { border-color: #3f3f46 !important; }
}`;

function htmlItem(item: DigestItem, links: DigestLinks): SafeHtml {
  const parts = partsOf(item.paper, links);
  const votes =
    item.upvotes !== null
      ? html` <span class="pb-muted" style="color:${C.muted};font-size:12px;">▲ ${item.upvotes}</span>`
      : '';
  const why = !item.reasons.length
    ? ''
    : item.section === 'foryou'
      ? html`<div class="pb-muted" style="color:${C.muted};font-size:12px;margin-top:4px;">Why: ${item.reasons.join('; ')}</div>`
      : html`<div class="pb-muted" style="color:${C.muted};font-size:12px;margin-top:4px;">Matches ${item.reasons.join(', ')}</div>`;
  return html`<tr><td class="pb-rule" style="padding:14px 0;border-top:1px solid ${C.rule};">
${parts.htmlHead}${votes}</div>
${parts.htmlAbstract}
${why}
</td></tr>`;
}

function alertsHtml(d: ComposedDigest): string {
  if (!d.alerts?.length) return '';
  return html`<tr><td style="padding:18px 0 4px;"><h2 class="pb-text" style="margin:0;color:${C.text};font-size:18px;">${ALERTS_TITLE}</h2></td></tr>
${d.alerts.map(
  (a) => html`<tr><td class="pb-rule" style="padding:10px 0;border-top:1px solid ${C.rule};">
<a class="pb-link" href="${a.url}" style="color:${C.link};font-size:15px;font-weight:600;text-decoration:none;">${titleHtml(a.title.replace(/\s+/g, ' ').trim())}</a>
<div class="pb-muted" style="color:${C.muted};font-size:13px;margin-top:4px;">${a.reason}</div>
</td></tr>`,
)}`.value;
}

function renderHtml(d: ComposedDigest, links: DigestLinks, siteName: string): string {
  const sections = sectionsOf(d);
  const body =
    alertsHtml(d) +
    sections
      .map(([section, title]) => {
        const items = d.items.filter((i) => i.section === section);
        if (items.length === 0) return '';
        return html`<tr><td style="padding:18px 0 4px;"><h2 class="pb-text" style="margin:0;color:${C.text};font-size:18px;">${title}</h2></td></tr>
${raw(items.map((i) => htmlItem(i, links).value).join('\n'))}`.value;
      })
      .join('\n');
  const empty =
    d.items.length === 0
      ? html`<tr><td class="pb-text" style="padding:18px 0;color:${C.text};">Nothing new for you this time.</td></tr>`
      : '';
  const title = `${siteName} — ${d.period.frequency} digest, ${d.period.label}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${title}</title>
<style>${raw(DARK_CSS)}</style>
</head>
<body class="pb-bg" style="margin:0;padding:0;background:${C.bg};font-family:${raw(FONT)};">
<table role="presentation" class="pb-bg" width="100%" cellpadding="0" cellspacing="0" style="background:${C.bg};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" class="pb-card" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;background:${C.card};border-radius:8px;">
<tr><td style="padding:20px 24px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">
<tr><td>
<a class="pb-link" href="${links.site}" style="color:${C.link};font-size:20px;font-weight:700;text-decoration:none;">${siteName}</a>
<div class="pb-muted" style="color:${C.muted};font-size:13px;margin-top:2px;">${d.period.frequency === 'weekly' ? 'Weekly' : 'Daily'} digest · ${d.period.label} · <a class="pb-link" href="${links.web}" style="color:${C.link};">View in browser</a></div>
</td></tr>
${raw(body)}
${empty}
<tr><td class="pb-rule pb-muted" style="padding:18px 0 0;border-top:1px solid ${C.rule};color:${C.muted};font-size:12px;line-height:1.6;">
You get this because you subscribed at ${links.site}.<br>
<a class="pb-link" href="${links.preferences}" style="color:${C.link};">Change what you get</a> ·
<a class="pb-link" href="${links.unsubscribe}" style="color:${C.link};">Unsubscribe</a>
</td></tr>
</table>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`.value;
}

export function renderDigest(d: ComposedDigest, links: DigestLinks, siteName: string): RenderedMail {
  return {
    subject: subjectOf(d, siteName),
    text: renderText(d, links, siteName),
    html: renderHtml(d, links, siteName),
  };
}
