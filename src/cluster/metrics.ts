/**
 * /metrics with several serve workers (primary.ts): a scrape lands on one worker, which asks the
 * primary; the primary collects every worker's registry (prom-client's JSON form) and sums them
 * with prom-client's AggregatorRegistry, so counters and histograms count the whole service.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { IpcPeer } from './ipc.ts';

/** The primary's side: `metrics.all` gathers `metrics.collect` from each live worker. */
export function answerMetrics(peer: IpcPeer, workers: () => IpcPeer[]): void {
  peer.handle('metrics.all', async () => {
    const each = await Promise.all(workers().map((w) => w.ask('metrics.collect').catch(() => null)));
    const registry = AggregatorRegistry.aggregate(each.filter((m) => m !== null) as object[]);
    return { type: registry.contentType, text: await registry.metrics() };
  });
}

/** A worker's side: answers the primary with this worker's registry. */
export function answerCollect(peer: IpcPeer, register: Registry, before: () => void): void {
  peer.handle('metrics.collect', async () => {
    before();
    return register.getMetricsAsJSON();
  });
}

/** A worker's scrape: the whole service's figures, from the primary. */
export async function clusterMetrics(peer: IpcPeer): Promise<{ type: string; text: string }> {
  return (await peer.ask('metrics.all')) as { type: string; text: string };
}
