/**
 * The harvest status at the top of /admin: the bootstrap harvest (src/setup/bootstrap.ts) and the
 * newest ingest run. While either is running the block carries `data-poll`, and app.js replaces it
 * with a fresh copy from /admin/status.json until nothing runs: progress without reloading.
 */
import type { IngestRun } from '../../ingest/repository.ts';
import { type BootstrapStatus, UNREACHABLE } from '../../setup/bootstrap.ts';
import { html, type SafeHtml } from '../html.ts';

/** Registered in admin.routes.ts (written out there for the route table check). */
const STATUS_URL = '/admin/status.json';

function bootstrapNotice(s: BootstrapStatus | null): SafeHtml {
  if (!s) return html`<p class="muted">No categories chosen yet, so nothing has been fetched.</p>`;
  const cls = s.state === 'unreachable' || s.state === 'failed' ? 'error' : 'notice';
  const heading =
    s.state === 'unreachable'
      ? 'Cannot reach arXiv'
      : s.state === 'running'
        ? `Fetching the last week of ${s.categories.join(', ')}`
        : s.state === 'done'
          ? 'First harvest finished'
          : 'First harvest failed';
  return html`<div class="${cls}" role="status" id="bootstrap"><strong>${heading}.</strong> ${s.message}
${s.state === 'running' ? html`<progress max="${s.categories.length}" value="${s.done}">${s.done}/${s.categories.length}</progress>` : ''}</div>`;
}

/** The newest ingest run, when it is running or could not reach arXiv. */
function runNotice(run: IngestRun | null, s: BootstrapStatus | null): SafeHtml {
  if (!run) return html``;
  if (run.status === 'running')
    return html`<p class="notice" id="harvest">Harvest running (run #${run.id}, ${run.source}): ${run.counts.seen} papers seen, ${run.counts.inserted} new so far.</p>`;
  // The bootstrap notice already says it (with the same advice) while it is the one failing.
  const offline = run.status === 'failed' && UNREACHABLE.test(run.message ?? '');
  if (!offline || s?.state === 'unreachable') return html``;
  return html`<p class="error" id="harvest"><strong>The last harvest could not reach arXiv</strong> (run #${run.id}: ${run.message}). Without internet access, run <code>paperboy demo</code> to try the site with demo data; the daily harvest tries again by itself.</p>`;
}

export function isRunning(s: BootstrapStatus | null, run: IngestRun | null): boolean {
  return s?.state === 'running' || run?.status === 'running';
}

export function adminStatus(s: BootstrapStatus | null, run: IngestRun | null): SafeHtml {
  const poll = isRunning(s, run) ? html` data-poll="${STATUS_URL}"` : '';
  return html`<div id="admin-status"${poll}>${bootstrapNotice(s)}${runNotice(run, s)}</div>`;
}
