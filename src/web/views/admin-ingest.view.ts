/** /admin/ingest: recent ingest runs with their counts and first issues. Everything is escaped. */
import type { IngestRun } from '../../ingest/repository.ts';
import { html, type SafeHtml } from '../html.ts';

/** Issues shown per run; the full first-20 list is in /admin/ingest.json. */
const SHOWN_ISSUES = 5;

function duration(run: IngestRun): string {
  if (!run.finishedAt) return 'running';
  const s = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.round(s / 60)} min`;
}

function runRow(run: IngestRun): SafeHtml {
  const c = run.counts;
  const issues = run.errors.slice(0, SHOWN_ISSUES);
  return html`<tr class="run status-${run.status}">
  <td>#${run.id}</td>
  <td>${run.source}</td>
  <td><strong>${run.status}</strong>${run.resumed ? ' (resumed)' : ''}</td>
  <td><time datetime="${run.startedAt}">${run.startedAt.slice(0, 19).replace('T', ' ')}</time></td>
  <td>${duration(run)}</td>
  <td>${run.requests}</td>
  <td>${c.seen}</td><td>${c.inserted}</td><td>${c.updated}</td><td>${c.unchanged}</td><td>${c.rejected}</td>
  <td>${c.withdrawn}</td><td>${c.featured}</td>
</tr>
<tr class="run-detail"><td colspan="13">
  <p class="message">${run.message ?? ''}</p>
  ${
    issues.length
      ? html`<details><summary>${run.errorCount} issue${run.errorCount === 1 ? '' : 's'}</summary><ul class="issues">${issues.map(
          (i) => html`<li><code>${i.where}</code>: ${i.reason}</li>`,
        )}</ul>${run.errorCount > issues.length ? html`<p class="muted">… ${run.errorCount - issues.length} more</p>` : ''}</details>`
      : ''
  }
</td></tr>`;
}

export function ingestRunsPage(runs: IngestRun[]): SafeHtml {
  if (runs.length === 0) {
    return html`<h1>Ingest runs</h1><p class="empty">No runs yet. Try <code>npx paperboy ingest oai</code>, or wait for the daily harvest.</p>`;
  }
  return html`<h1>Ingest runs</h1>
<p class="muted">Newest first. Counts of a resumed run include the part its interrupted predecessor committed.</p>
<div class="table-wrap"><table class="runs">
<thead><tr><th>run</th><th>source</th><th>status</th><th>started (UTC)</th><th>took</th><th>requests</th>
<th>seen</th><th>new</th><th>updated</th><th>unchanged</th><th>rejected</th><th>withdrawn</th><th>featured</th></tr></thead>
<tbody>${runs.map(runRow)}</tbody>
</table></div>`;
}
