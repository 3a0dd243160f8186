/**
 * What the service reports for /metrics (issue 18 item 6), as typed events on Node's
 * `diagnostics_channel`: the scheduler, the ingest runner, the digest run and search publish one
 * line each and know nothing of Prometheus; src/web/metrics.ts subscribes and counts. Publishing
 * with no subscriber (every CLI command) is one `hasSubscribers` check.
 *
 * Channels are process-wide, but tests build many apps (each with its own store) in one process:
 * every event names the store it concerns (`scope`, any object the subscriber compares by
 * identity), so an app counts only its own.
 */
import diagnostics from 'node:diagnostics_channel';

type JobOutcome = 'ok' | 'failed' | 'interrupted';

export interface JobEvent {
  scope: object;
  job: string;
  outcome: JobOutcome;
  seconds: number;
}

export interface IngestEvent {
  scope: object;
  /** The source (`oai`, `rss`, `snapshot`, …). */
  source: string;
  status: string;
  inserted: number;
  updated: number;
}

export interface DigestSendEvent {
  scope: object;
  sent: number;
  failed: number;
  expired: number;
  skipped: number;
  retried: number;
}

export interface SearchEvent {
  scope: object;
  /** The mode the search was answered in (keyword when vectors are not ready). */
  mode: string;
  seconds: number;
}

export const channels = {
  job: diagnostics.channel('paperboy:job'),
  ingest: diagnostics.channel('paperboy:ingest'),
  digestSend: diagnostics.channel('paperboy:digest-send'),
  search: diagnostics.channel('paperboy:search'),
};

function publisher<E>(ch: diagnostics.Channel): (e: E) => void {
  return (e) => {
    if (ch.hasSubscribers) ch.publish(e);
  };
}

export const reportJob = publisher<JobEvent>(channels.job);
export const reportIngest = publisher<IngestEvent>(channels.ingest);
export const reportDigestSend = publisher<DigestSendEvent>(channels.digestSend);
export const reportSearch = publisher<SearchEvent>(channels.search);

/** Subscribes `fn` to `ch` for events of `scope` only; returns the unsubscribe. */
export function subscribeScoped<E extends { scope: object }>(
  ch: diagnostics.Channel,
  scope: object,
  fn: (e: E) => void,
): () => void {
  const listener = (msg: unknown) => {
    if ((msg as E).scope === scope) fn(msg as E);
  };
  ch.subscribe(listener);
  return () => ch.unsubscribe(listener);
}
