/**
 * Keyword work with an enforced time budget (issue 12: one anonymous `a* OR b* OR …` search held
 * the event loop for 15–22 s, and `/health` with it).
 *
 * SQLite: tasks run on a pool of worker threads (keyword-worker.ts), never on the serving thread.
 * A task past its budget is answered at once with QueryTooBroadError and its worker terminated.
 * node:sqlite (Node 24) exposes neither sqlite3_interrupt nor a progress handler, so termination
 * takes effect when the running statement returns: until then the slot stays taken, which bounds
 * the threads a flood of broad queries can occupy to the pool's size, and the query language's
 * limits (query/parse.ts: prefix length, prefix and OR counts) bound how long that can be.
 * Tasks waiting for a slot past their budget get SearchBusyError (429 + Retry-After).
 * PostgreSQL: the server interrupts the statement itself (`statement_timeout`, search.pg.repo.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { busy, type KeywordBudget, tooBroad } from './budget.ts';
import type { KeywordReply, KeywordRequest, KeywordTask } from './keyword-worker.ts';
import type { KeywordPlan, PlanTerm, ScoredId, SearchRepository } from './search.repo.ts';
import type { SearchStore } from './store.ts';

/** The keyword side of a search, wherever it runs. */
export interface KeywordSearcher {
  /** `atLeast`: a shorter exact head of the ranking will do (SearchOptions.atLeast). */
  keyword(plan: KeywordPlan, limit: number, atLeast?: number): Promise<ScoredId[]>;
  /** Those of `ids` that satisfy the plan's filters (SearchRepository.satisfying). */
  satisfying(ids: number[], plan: KeywordPlan): Promise<Set<number>>;
  /** Per term, its papers when at most `cap` hold it, else null (SearchRepository.postings). */
  postings(terms: PlanTerm[], cap: number): Promise<(number[] | null)[]>;
}

type TaskResult = ScoredId[] | number[] | (number[] | null)[];

interface Pending {
  task: KeywordTask;
  resolve: (r: TaskResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
  /** When a worker took it; null while queued. */
  started: number | null;
}

interface Slot {
  worker: Worker | null;
  job: { id: number; pending: Pending } | null;
  /** Terminated past its budget; free again once the thread has really exited. */
  dying: boolean;
}

export class KeywordPool {
  readonly #file: string;
  readonly #slots: Slot[];
  readonly #queue: Pending[] = [];
  readonly #maxQueue: number;
  #next = 1;
  #closed = false;

  constructor(file: string, size: number) {
    this.#file = file;
    this.#slots = Array.from({ length: Math.max(1, size) }, () => ({
      worker: null,
      job: null,
      dying: false,
    }));
    this.#maxQueue = this.#slots.length * 16;
  }

  /** Starts every worker now (a server at startup), so no search pays for a thread's start. */
  warm(): void {
    for (const slot of this.#slots) if (!slot.dying) this.#worker(slot);
  }

  get size(): number {
    return this.#slots.length;
  }

  run(task: KeywordTask, budgetMs: number): Promise<TaskResult> {
    if (this.#closed) return Promise.reject(new Error('keyword pool is closed'));
    if (this.#queue.length >= this.#maxQueue) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const p: Pending = { task, resolve, reject, timer: null, started: null };
      const budget = budgetMs;
      p.timer = setTimeout(() => {
        // Still queued: the server was busy, not the query broad.
        const i = this.#queue.indexOf(p);
        if (i >= 0) {
          this.#queue.splice(i, 1);
          reject(busy());
          return;
        }
        const slot = this.#slots.find((s) => s.job?.pending === p);
        if (!slot) return;
        slot.job = null;
        slot.dying = true;
        // Mostly spent waiting for a slot: the server was busy; mostly running: the query is broad.
        const ran = p.started === null ? 0 : Date.now() - p.started;
        reject(ran * 2 >= budget ? tooBroad(budget) : busy());
        void slot.worker?.terminate();
      }, budgetMs);
      this.#queue.push(p);
      this.#pump();
    });
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.job || slot.dying) continue;
      const p = this.#queue.shift()!;
      const id = this.#next++;
      p.started = Date.now();
      slot.job = { id, pending: p };
      this.#worker(slot).postMessage({ id, task: p.task } satisfies KeywordRequest);
    }
  }

  #worker(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const w = new Worker(new URL('./keyword-worker.ts', import.meta.url), {
      workerData: { file: this.#file },
    });
    w.on('message', (m: KeywordReply) => {
      const job = slot.job;
      if (!job || job.id !== m.id) return; // answered already (past its budget)
      slot.job = null;
      if (job.pending.timer) clearTimeout(job.pending.timer);
      if ('result' in m) job.pending.resolve(m.result);
      else job.pending.reject(new Error(`keyword search failed: ${m.error}`));
      this.#pump();
    });
    w.on('error', (err) => {
      const job = slot.job;
      slot.job = null;
      if (job) {
        if (job.pending.timer) clearTimeout(job.pending.timer);
        job.pending.reject(err);
      }
    });
    w.on('exit', () => {
      slot.worker = null;
      slot.dying = false;
      const job = slot.job;
      slot.job = null;
      if (job) {
        if (job.pending.timer) clearTimeout(job.pending.timer);
        job.pending.reject(new Error('keyword worker exited'));
      }
      if (!this.#closed) this.#pump();
    });
    w.unref();
    slot.worker = w;
    return w;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new Error('keyword pool is closed'));
    }
    await Promise.all(this.#slots.map((s) => s.worker?.terminate()));
  }
}

class PooledSearcher implements KeywordSearcher {
  readonly #pool: KeywordPool;
  readonly #budgetMs: number;
  constructor(pool: KeywordPool, budgetMs: number) {
    this.#pool = pool;
    this.#budgetMs = budgetMs;
  }
  async keyword(plan: KeywordPlan, limit: number, atLeast?: number): Promise<ScoredId[]> {
    const task = { op: 'keyword' as const, plan, limit, ...(atLeast ? { atLeast } : {}) };
    return (await this.#pool.run(task, this.#budgetMs)) as ScoredId[];
  }
  async satisfying(ids: number[], plan: KeywordPlan): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    return new Set((await this.#pool.run({ op: 'satisfying', ids, plan }, this.#budgetMs)) as number[]);
  }
  async postings(terms: PlanTerm[], cap: number): Promise<(number[] | null)[]> {
    if (terms.length === 0) return [];
    return (await this.#pool.run({ op: 'postings', terms, cap }, this.#budgetMs)) as (number[] | null)[];
  }
}

/** In-process: PostgreSQL (its server enforces the budget), SQLite `:memory:` (no worker can open it), the CLI. */
class DirectSearcher implements KeywordSearcher {
  readonly #repo: SearchRepository;
  readonly #budgetMs: number;
  constructor(repo: SearchRepository, budgetMs: number) {
    this.#repo = repo;
    this.#budgetMs = budgetMs;
  }
  keyword(plan: KeywordPlan, limit: number, atLeast?: number): Promise<ScoredId[]> {
    return this.#repo.keyword(plan, limit, { budgetMs: this.#budgetMs, ...(atLeast ? { atLeast } : {}) });
  }
  satisfying(ids: number[], plan: KeywordPlan): Promise<Set<number>> {
    return this.#repo.satisfying(ids, plan, { budgetMs: this.#budgetMs });
  }
  postings(terms: PlanTerm[], cap: number): Promise<(number[] | null)[]> {
    return this.#repo.postings(terms, cap, { budgetMs: this.#budgetMs });
  }
}

function poolSize(configured: number): number {
  return configured > 0 ? configured : Math.max(2, availableParallelism());
}

const pools = new WeakMap<SearchStore, KeywordPool>();

/** The keyword searcher of a store: one pool per SQLite store, shut down with it. */
export async function keywordSearcher(store: SearchStore, budget: KeywordBudget): Promise<KeywordSearcher> {
  const repo = store.search;
  const c = store.connection;
  const file = c.dialect === 'sqlite' && c.file !== ':memory:' && !budget.inProcess ? c.file : null;
  if (!file) return new DirectSearcher(repo, budget.searchBudgetMs);
  let pool = pools.get(store);
  if (!pool) {
    const created = new KeywordPool(file, poolSize(budget.searchWorkers));
    pools.set(store, created);
    store.atClose(() => created.close());
    if (budget.warm) created.warm();
    pool = created;
  }
  return new PooledSearcher(pool, budget.searchBudgetMs);
}
