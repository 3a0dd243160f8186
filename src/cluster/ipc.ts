/**
 * Questions and answers between `serve`'s primary and its workers (`workers` > 1, primary.ts)
 * over node:cluster's IPC channel: each side asks by operation name and awaits the other's
 * answer. Messages carry a `paperboy` tag, so other users of the channel (prom-client's own, for
 * one) pass by untouched.
 */

type Handler = (...args: never[]) => unknown;

interface Ask {
  paperboy: 'ask';
  id: number;
  op: string;
  args: unknown[];
}

interface Answer {
  paperboy: 'answer';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** An answer not back by then is an error: the other side died or is stuck. */
const ANSWER_WITHIN_MS = 10_000;

export class IpcPeer {
  readonly #send: (message: Ask | Answer) => void;
  readonly #handlers = new Map<string, Handler>();
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 0;

  /** `send` posts one message to the other side (process.send in a worker, worker.send in the primary). */
  constructor(send: (message: Ask | Answer) => void) {
    this.#send = send;
  }

  /** Answers `op` with `fn(...args)` (awaited); a thrown error is sent back as the error. */
  handle(op: string, fn: Handler): void {
    this.#handlers.set(op, fn);
  }

  ask(op: string, ...args: unknown[]): Promise<unknown> {
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`no answer to "${op}" from the other serve process within ${ANSWER_WITHIN_MS} ms`));
      }, ANSWER_WITHIN_MS);
      timer.unref();
      this.#waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      try {
        this.#send({ paperboy: 'ask', id, op, args });
      } catch (err) {
        this.#waiting.get(id)?.reject(err instanceof Error ? err : new Error(String(err)));
        this.#waiting.delete(id);
      }
    });
  }

  /** Feeds one received message in; others' messages are ignored. */
  receive(message: unknown): void {
    if (!message || typeof message !== 'object') return;
    const m = message as {
      paperboy?: unknown;
      id?: unknown;
      op?: unknown;
      args?: unknown;
      ok?: unknown;
      value?: unknown;
      error?: unknown;
    };
    if (m.paperboy === 'answer' && typeof m.id === 'number') {
      const w = this.#waiting.get(m.id);
      if (!w) return;
      this.#waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(typeof m.error === 'string' ? m.error : 'failed'));
    } else if (m.paperboy === 'ask' && typeof m.id === 'number' && typeof m.op === 'string') {
      void this.#answer(m.id, m.op, Array.isArray(m.args) ? m.args : []);
    }
  }

  /** Fails every question still waiting (the other side is gone). */
  close(reason: string): void {
    for (const w of this.#waiting.values()) w.reject(new Error(reason));
    this.#waiting.clear();
  }

  async #answer(id: number, op: string, args: unknown[]): Promise<void> {
    let answer: Answer;
    try {
      const fn = this.#handlers.get(op);
      if (!fn) throw new Error(`no handler for "${op}"`);
      answer = { paperboy: 'answer', id, ok: true, value: await fn(...(args as never[])) };
    } catch (err) {
      answer = { paperboy: 'answer', id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    try {
      this.#send(answer);
    } catch {
      // The asker is gone (a worker that exited): nobody waits for this answer.
    }
  }
}

let workerPeer: IpcPeer | null = null;

/** Which serve worker this process is (1…workers, cluster/primary.ts), or null outside a cluster. */
export function workerNumber(): number | null {
  const n = Number(process.env.PAPERBOY_WORKER);
  return process.send && Number.isInteger(n) && n > 0 ? n : null;
}

/** In a cluster worker: its channel to the primary (made on first use); null otherwise. */
export function primaryChannel(): IpcPeer | null {
  if (workerNumber() === null) return null;
  if (!workerPeer) {
    const peer = new IpcPeer((m) => process.send!(m));
    process.on('message', (m) => peer.receive(m));
    process.once('disconnect', () => peer.close('the serve primary is gone'));
    workerPeer = peer;
  }
  return workerPeer;
}
