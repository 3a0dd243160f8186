/**
 * Parsing OAI-PMH pages in worker threads. Parsing is the expensive part of a bulk harvest
 * (profiled: about half the CPU of parse + store for 2,500-record pages, the SQLite writes about a
 * fifth), so a fast upstream (a mirror, or the fixture server at interval 0) is parsed on another
 * core while the main thread stores the previous page. The worker also flattens each record with
 * preparePaper(): flat strings cross the thread boundary far cheaper than nested objects, and the
 * hash is then computed off the database thread too. Small pages (every daily incremental run)
 * are parsed in place: starting a worker would cost more than it saves.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PaperInput } from '../papers/paper.ts';
import { type PreparedPaper, preparePaper } from '../papers/prepared.ts';
import type { WithdrawnInput } from '../papers/repository.ts';
import { type OaiPage, parseOaiListRecords } from './parsers/oai.ts';

/** Below this a page is parsed on the calling thread. */
const WORKER_MIN_BYTES = 256 * 1024;

/** An OAI page split the way the harvester stores it. */
export interface ParsedOaiPage extends Omit<OaiPage, 'records'> {
  /** Complete records, when not prepared. */
  papers: PaperInput[];
  /** Complete records flattened for storage, when prepared. */
  prepared: PreparedPaper[];
  withdrawn: WithdrawnInput[];
  records: number;
  /** Highest header datestamp among the records (where a restart after an expired token begins). */
  maxDatestamp: string | null;
}

export function parseOaiPage(body: Uint8Array, now: Date, prepare: boolean): ParsedOaiPage {
  const { records, ...rest } = parseOaiListRecords(body, { now });
  const out: ParsedOaiPage = {
    ...rest,
    papers: [],
    prepared: [],
    withdrawn: [],
    records: records.length,
    maxDatestamp: null,
  };
  for (const r of records) {
    if (r.kind === 'paper') {
      if (prepare) out.prepared.push(preparePaper(r.paper));
      else out.papers.push(r.paper);
    } else out.withdrawn.push({ arxivId: r.arxivId, day: r.datestamp });
    const d = r.datestamp;
    if (d && (!out.maxDatestamp || d > out.maxDatestamp)) out.maxDatestamp = d;
  }
  return out;
}

interface Pending {
  resolve: (p: ParsedOaiPage) => void;
  reject: (e: Error) => void;
}

export class ParsePool {
  readonly #size: number;
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #waiting: (() => void)[] = [];
  readonly #pending = new Map<number, Pending>();
  #seq = 0;
  #closed = false;

  /**
   * `size` 0 parses everything on the calling thread. The default uses workers only with 4+ cores:
   * crossing the thread boundary costs about a third more CPU in total (measured: 6.7 vs 9.0 CPU
   * seconds for 40k records), which on a busy 2-core machine made the harvest slower, not faster.
   * At arXiv's 3 s interval a page arrives far slower than either mode parses it.
   */
  constructor(size = availableParallelism() >= 4 ? 2 : 0) {
    this.#size = size;
  }

  /** `prepare`: return records flattened (for direct storage) instead of as PaperInput. */
  async parse(body: Buffer, now: Date, prepare: boolean): Promise<ParsedOaiPage> {
    if (this.#size === 0 || body.length < WORKER_MIN_BYTES || this.#closed)
      return parseOaiPage(body, now, prepare);
    const worker = await this.#take();
    const id = ++this.#seq;
    try {
      return await new Promise<ParsedOaiPage>((resolve, reject) => {
        this.#pending.set(id, { resolve, reject });
        worker.ref(); // a page in progress keeps the process alive; an idle worker does not
        worker.postMessage({ id, body, now: now.getTime(), prepare });
      });
    } finally {
      worker.unref();
      this.#give(worker);
    }
  }

  async #take(): Promise<Worker> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#workers.length < this.#size) return this.#spawn();
    await new Promise<void>((r) => this.#waiting.push(r));
    return this.#take();
  }

  #give(w: Worker): void {
    this.#idle.push(w);
    this.#waiting.shift()?.();
  }

  #spawn(): Worker {
    const w = new Worker(new URL('./parse-worker.ts', import.meta.url));
    w.on('message', (m: { id: number; page?: ParsedOaiPage; error?: string }) => {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.page) p?.resolve(m.page);
      else p?.reject(new Error(`parse worker: ${m.error}`));
    });
    w.on('error', (err) => {
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    });
    w.unref();
    this.#workers.push(w);
    return w;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
