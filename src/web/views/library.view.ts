/** The library pages (issue 14): the reader's collections, one collection, import and its report. */
import type { FeedItem } from '../../feed/feed.ts';
import type { ImportLine, ImportOutcome, ImportReport } from '../../library/library.ts';
import type { Collection } from '../../library/types.ts';
import { html, type SafeHtml } from '../html.ts';
import { cardList, type ListContext, type Pager, pagerNav } from './cards.view.ts';
import { csrfField, type Viewer } from './layout.view.ts';

const notice = (message: string | null) =>
  message ? html`<p class="error" role="alert">${message}</p>` : '';
const count = (n: number) => `${n} paper${n === 1 ? '' : 's'}`;
const visibility = (c: Collection) => (c.isPublic ? 'public' : 'private');

export function libraryPage(viewer: Viewer, collections: Collection[], message: string | null): SafeHtml {
  return html`<h1>Your library</h1>${notice(message)}
<p class="muted">Save papers with the “Save” button on any card or paper page; they go to “Saved”. Private collections are seen by you alone; a public one has its own page, feeds and BibTeX export.</p>
${
  collections.length
    ? html`<ul class="collections">${collections.map(
        (c) =>
          html`<li><a href="/library/${c.id}">${c.name}</a> <span class="muted">${count(c.paperCount)} · ${visibility(c)}${c.isDefault ? ' · default' : ''}</span></li>`,
      )}</ul>`
    : html`<p class="empty">Nothing saved yet.</p>`
}
<h2>New collection</h2>
<form class="row" method="post" action="/library">${csrfField(viewer)}<label for="name">Name</label><input id="name" type="text" name="name" required maxlength="100"><label><input type="checkbox" name="public" value="1"> public</label><button type="submit">Create</button></form>
<p><a href="/library/export.json">Download your library</a> (JSON: every collection and paper) · <a href="/settings/feeds">Private feeds of your collections</a></p>`;
}

export interface CollectionView {
  collection: Collection;
  items: FeedItem[];
  pager: Pager;
  /** The signed-in owner (management controls), or null for a visitor of a public collection. */
  owner: Viewer | null;
  ownerName: string;
}

function feedLinksOf(c: Collection): SafeHtml {
  if (!c.isPublic) return html`<a href="/library/${c.id}.bib">BibTeX (.bib)</a>`;
  return html`<a href="/library/${c.id}.rss">RSS</a> · <a href="/library/${c.id}.atom">Atom</a> · <a href="/library/${c.id}.json">JSON</a> · <a href="/library/${c.id}.bib">BibTeX (.bib)</a>`;
}

function removeForm(viewer: Viewer, c: Collection, arxivId: string): SafeHtml {
  return html`<form class="inline" method="post" action="/library/${c.id}/remove">${csrfField(viewer)}<input type="hidden" name="paper" value="${arxivId}"><button type="submit" class="link" aria-label="Remove arXiv:${arxivId} from this collection">Remove from “${c.name}”</button></form>`;
}

function manage(viewer: Viewer, c: Collection): SafeHtml {
  return html`<details class="manage"><summary>Manage this collection</summary>
<form class="row" method="post" action="/library/${c.id}/rename">${csrfField(viewer)}<label for="rename">Name</label><input id="rename" type="text" name="name" required maxlength="100" value="${c.name}"><button type="submit">Rename</button></form>
<form class="row" method="post" action="/library/${c.id}/visibility">${csrfField(viewer)}<input type="hidden" name="public" value="${c.isPublic ? '0' : '1'}"><button type="submit">${c.isPublic ? 'Make private' : 'Make public'}</button></form>
<p><a href="/library/${c.id}/import">Import arXiv ids or a .bib file</a></p>
<p><a href="/library/${c.id}/delete">Delete this collection…</a></p>
</details>`;
}

export function collectionPage(v: CollectionView, ctx: ListContext): SafeHtml {
  const c = v.collection;
  const owner = v.owner;
  const list = cardList(
    v.items,
    ctx,
    owner
      ? html`No papers here yet. Save some, or <a href="/library/${c.id}/import">import a list</a>.`
      : 'No papers here yet.',
  );
  return html`<h1>${c.name}</h1>
<p class="muted">${count(c.paperCount)} · ${visibility(c)} collection by <a href="/users/${encodeURIComponent(v.ownerName)}">${v.ownerName}</a> · ${feedLinksOf(c)}</p>
${owner ? manage(owner, c) : ''}
${owner && v.items.length ? html`<ul class="removals">${v.items.map((i) => html`<li>${i.paper.arxivId}: ${removeForm(owner, c, i.paper.arxivId)}</li>`)}</ul>` : ''}
${list}
${pagerNav(v.pager)}`;
}

export function deletePage(viewer: Viewer, c: Collection): SafeHtml {
  return html`<h1>Delete “${c.name}”?</h1>
<p>The collection and its list of ${count(c.paperCount)} go; the papers stay on the site${c.isDefault ? ', and the next “Save” makes a new “Saved”' : ''}. This cannot be undone.</p>
<form class="row" method="post" action="/library/${c.id}/delete">${csrfField(viewer)}<button type="submit">Delete the collection</button> <a href="/library/${c.id}">Keep it</a></form>`;
}

export function importPage(
  viewer: Viewer,
  c: Collection,
  limits: { bibBytes: number; entries: number },
  message: string | null,
): SafeHtml {
  return html`<h1>Import into “${c.name}”</h1>${notice(message)}
<p class="muted">Paste arXiv ids or arxiv.org links (one per line, or separated by spaces or commas: <code>2301.01234v2</code>, <code>hep-th/9901001</code>, <code>https://arxiv.org/abs/…</code>), or choose a BibTeX file (arXiv ids are read from <code>eprint</code>, <code>arxiv</code>, <code>url</code>, an arXiv DOI <code>10.48550/arXiv.…</code> or “arXiv:…” in <code>journal</code>/<code>note</code>). At most ${limits.entries.toLocaleString('en')} ids or entries per import, and ${limits.bibBytes / 1024 / 1024} MB per file. Papers already in the collection stay as they are.</p>
<form class="stack" method="post" action="/library/${c.id}/import" enctype="multipart/form-data">${csrfField(viewer)}
<label for="ids">arXiv ids or links</label><textarea id="ids" name="ids" rows="8" spellcheck="false"></textarea>
<label for="bib">or a .bib file</label><input id="bib" type="file" name="bib" accept=".bib,.bibtex,text/x-bibtex,text/plain">
<button type="submit">Import</button>
</form>`;
}

const OUTCOME_LABEL: Record<ImportOutcome, string> = {
  added: 'added',
  already: 'already there',
  missing: 'not found',
  unreadable: 'unreadable',
};
/** Lines shown per outcome; the counts are always complete. */
const SHOWN_PER_OUTCOME = 1000;

function outcomeList(outcome: ImportOutcome, lines: ImportLine[]): SafeHtml {
  if (lines.length === 0) return html``;
  const shown = lines.slice(0, SHOWN_PER_OUTCOME);
  const hint =
    outcome === 'missing'
      ? html` <span class="muted">(valid arXiv ids this site does not have yet; <a href="/submit">submit</a> one to fetch it)</span>`
      : '';
  return html`<details${outcome === 'added' || outcome === 'already' ? '' : ' open'} class="import-${outcome}"><summary>${lines.length} ${OUTCOME_LABEL[outcome]}${hint}</summary><ul>${shown.map(
    (l) =>
      html`<li>${l.where}: ${l.id ? html`<a href="/papers/${l.id}">${l.id}</a>` : html`<code>${l.input}</code>`} — ${OUTCOME_LABEL[outcome]}${l.reason ? html` (${l.reason})` : ''}</li>`,
  )}${lines.length > shown.length ? html`<li>… and ${lines.length - shown.length} more</li>` : ''}</ul></details>`;
}

export function importReportPage(r: ImportReport): SafeHtml {
  const c = r.collection;
  const by = (o: ImportOutcome) => r.lines.filter((l) => l.outcome === o);
  return html`<h1>Imported into “${c.name}”</h1>
<p role="status">${r.counts.added} added · ${r.counts.already} already there · ${r.counts.missing} not found · ${r.counts.unreadable} unreadable. The collection now holds ${count(c.paperCount)}.</p>
${(['unreadable', 'missing', 'added', 'already'] as const).map((o) => outcomeList(o, by(o)))}
<p><a href="/library/${c.id}">Open “${c.name}”</a> · <a href="/library/${c.id}/import">Import more</a></p>`;
}
