/**
 * Issue 15, Speed: "webhook delivery throughput to a loopback receiver ≥ 500 events/s with
 * signing, ratio to a bare `fetch` loop in the same run".
 *
 *   npm run bench -- webhooks [--count N]      (N events, default 2000)
 *
 * paperboy: N queued deliveries on a fresh SQLite store, timed from the first claim to the last
 * recorded outcome (`WebhookWorker.drain`: claim a batch under a lease, resolve and check the
 * target, sign, POST, record the attempt and settle, per delivery). Baseline: the same bodies
 * POSTed by a bare `fetch` loop with the same concurrency (the worker's batch), no signing, no
 * database. Both talk to the same loopback receiver in this process, which answers 204 at once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { allowList } from '../src/alerts/webhook-ssrf.ts';
import { WebhookWorker, webhookSink } from '../src/alerts/webhook-worker.ts';
import { addWebhook } from '../src/alerts/webhooks.ts';
import { SqliteStore } from '../src/app/sqlite.store.ts';
import { parseBenchArgs } from './common.ts';
import { type Metric, writeReport } from './report.ts';

const BATCH = 50;

export async function run(argv: string[]): Promise<Metric[]> {
  const { count } = parseBenchArgs(argv, { count: 2000 });
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-bench-webhooks-'));
  try {
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    const allow = allowList(['127.0.0.1']);
    const user = (await store.users.create({
      email: 'b@x.org',
      name: 'b',
      passwordHash: 'x',
      now: new Date().toISOString(),
    }))!;
    await addWebhook(store.webhooks, allow, { userId: user.id, url, collectionId: null, nowMs: Date.now() });
    const events = Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      userId: user.id,
      alertId: 1,
      type: 'search.match' as const,
      paperId: i + 1,
      arxivId: `2612.${String(i + 1).padStart(5, '0')}`,
      title: `A benchmark paper about diffusion models, number ${i + 1}`,
      link: `https://paperboy.example/papers/2612.${String(i + 1).padStart(5, '0')}`,
      reason: 'matches your followed search "diffusion models"',
      createdAt: new Date().toISOString(),
    }));
    await webhookSink(store.webhooks).enqueue(events);
    const bodies = events.map((e) => JSON.stringify(e));

    // Baseline first, so the receiver's connections are warm for neither side in particular.
    let t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: BATCH }, async () => {
        while (next < count) {
          const body = bodies[next++]!;
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          await res.arrayBuffer();
        }
      }),
    );
    const bareRate = count / ((performance.now() - t) / 1000);

    const worker = new WebhookWorker({
      repo: store.webhooks,
      allow,
      userAgent: 'paperboy-bench',
      batch: BATCH,
    });
    const before = received;
    t = performance.now();
    const delivered = await worker.drain();
    const rate = delivered / ((performance.now() - t) / 1000);
    if (received - before !== count || delivered !== count)
      throw new Error(`delivered ${delivered}, receiver saw ${received - before}, expected ${count}`);
    await store.close();

    const metrics: Metric[] = [
      {
        metric: 'webhook deliveries, signed and recorded',
        unit: 'events/s',
        paperboy: rate,
        baseline: bareRate,
        target: '≥ 500/s (ratio to a bare fetch loop reported)',
        pass: rate >= 500,
      },
    ];
    const { md, markdown } = await writeReport({
      name: 'webhooks',
      params: { count, batch: BATCH, store: 'sqlite' },
      metrics,
    });
    process.stdout.write(`${markdown}\n(${md})\n`);
    return metrics;
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
