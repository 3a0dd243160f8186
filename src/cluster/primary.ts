/**
 * `paperboy serve` with `workers` > 1: this process (the primary) applies migrations once, then
 * forks that many workers (node:cluster), each a whole `serve` (cli/commands/serve.ts) on the same
 * store, and hands each new connection to the worker with the fewest open ones (connections.ts).
 * A page's work is one thread's (node:sqlite is synchronous), so one process uses one core;
 * workers use the rest.
 *
 * What must be one across workers lives here or in the database: the SQLite store's rate-limit
 * windows are the primary's (rate-limits.ts; PostgreSQL shares them in a table), /metrics sums every
 * worker's registry (metrics.ts), and only worker 1 runs the scheduler, the first harvest and the
 * keyword index's upkeep (the job leases would keep a second copy from running a job twice, but
 * it would still poll). A worker that dies is replaced; SIGTERM or SIGINT stops every worker,
 * each draining its requests within shutdownTimeoutMs (serve-lifecycle.ts), then the primary.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/config.ts';
import { log } from '../shared/log.ts';
import { MemoryRateLimits } from '../users/rate-limits.memory.ts';
import { type Backend, Balancer } from './connections.ts';
import { IpcPeer } from './ipc.ts';
import { answerMetrics } from './metrics.ts';
import { answerRateLimits } from './rate-limits.ts';

/** A worker that exits this soon after starting is not restarted again at once (a crash loop). */
const RESTART_BACKOFF_MS = 1000;

interface Slot {
  worker: Worker;
  peer: IpcPeer;
  backend: Backend;
}

export async function servePrimary(config: Config, signalled: Promise<void>): Promise<number> {
  const limits = new MemoryRateLimits();
  const slots = new Map<number, Slot>();
  const balancer = new Balancer(() => [...slots.values()].map((s) => s.backend));
  let stopping = false;
  const fork = (n: number) => {
    const worker = cluster.fork({ PAPERBOY_WORKER: String(n) });
    const peer = new IpcPeer((m) => worker.send(m));
    const backend: Backend = { worker, open: 0, ready: false };
    worker.on('message', (m) => {
      peer.receive(m);
      balancer.receive(backend, m);
    });
    answerRateLimits(peer, limits);
    answerMetrics(peer, () => [...slots.values()].map((s) => s.peer));
    const started = Date.now();
    worker.once('exit', (code, signal) => {
      peer.close(`serve worker ${n} exited`);
      if (slots.get(n)?.worker === worker) slots.delete(n);
      // Code 0: it was told to stop (a SIGINT from the terminal reaches every process of the group).
      if (stopping || (code === 0 && signal === null)) return;
      log.error(`paperboy: serve worker ${n} exited (${signal ?? `code ${code}`}); starting another`);
      const wait = Date.now() - started < RESTART_BACKOFF_MS ? RESTART_BACKOFF_MS : 0;
      setTimeout(() => {
        if (!stopping) fork(n);
      }, wait);
    });
    slots.set(n, { worker, peer, backend });
  };
  for (let n = 1; n <= config.workers; n++) fork(n);
  try {
    await balancer.listen(config.port, config.host);
  } catch (err) {
    stopping = true;
    for (const s of slots.values()) s.worker.process.kill('SIGKILL');
    throw err;
  }
  log.announce(`paperboy: ${config.workers} serve workers on port ${config.port}`);
  await signalled;
  stopping = true;
  await balancer.close();
  const exited = [...slots.values()].map((s) => new Promise((r) => s.worker.once('exit', r)));
  for (const s of slots.values()) s.worker.process.kill('SIGTERM');
  // Each worker exits within shutdownTimeoutMs of its signal (serve-lifecycle.ts drainAndClose).
  const deadline = new Promise((r) => setTimeout(r, config.shutdownTimeoutMs).unref());
  await Promise.race([Promise.all(exited), deadline]);
  for (const s of slots.values())
    if (s.worker.isConnected() || !s.worker.isDead()) s.worker.process.kill('SIGKILL');
  return 0;
}
