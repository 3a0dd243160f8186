/**
 * Alerts for the pages (issue 15 items 1 and 3): a reader's alerts with their rules checked here
 * (bad input is an InvalidInputError saying what, where and why), and the event computation run
 * on demand, one drain at a time per process: `poke()` during a drain asks for one more after it,
 * so writes that arrive meanwhile are never left in the queue.
 */
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { parseArxivId, whyNotArxivId } from '../papers/arxiv-id.ts';
import { categoryProblem } from '../papers/category.ts';
import type { PaperRepository } from '../papers/repository.ts';
import { parseQuery } from '../search/query/parse.ts';
import { type ComputeOptions, type ComputeResult, computeEvents, paperLink } from './compute.ts';
import type { AlertEvent } from './events.ts';
import {
  ALERT_KINDS,
  type Alert,
  type AlertKind,
  type AlertRepository,
  type AlertStats,
  DELIVERIES,
  type Delivery,
  type WebhookHealth,
  type WebhookStatus,
} from './types.ts';

/** What the service needs of the store (the app's Store satisfies it). */
export interface AlertsStore {
  readonly alerts: AlertRepository;
  readonly papers: Pick<PaperRepository, 'get'>;
}

/** Per reader: enough for any real use, few enough that the pages stay one screen. */
const MAX_ALERTS = 200;
const MAX_TARGET = 300;
const MAX_THRESHOLD = 1_000_000;

export interface AlertForm {
  kind: string;
  target: string;
  threshold?: string;
  delivery: string[];
}

export class AlertService {
  readonly #store: AlertsStore;
  readonly #opts: ComputeOptions;
  #drain: Promise<ComputeResult> | null = null;
  #next: Promise<ComputeResult> | null = null;

  readonly #webhookStatus: WebhookStatus | null;

  constructor(store: AlertsStore, opts: ComputeOptions & { webhookStatus?: WebhookStatus }) {
    this.#store = store;
    this.#opts = opts;
    this.#webhookStatus = opts.webhookStatus ?? null;
  }

  /** The operator's view (item 4): counts and queues; webhooks' health when that side is set up. */
  async overview(): Promise<{ stats: AlertStats; webhooks: WebhookHealth | null }> {
    const [stats, webhooks] = await Promise.all([
      this.#store.alerts.stats(),
      this.#webhookStatus ? this.#webhookStatus.health() : null,
    ]);
    return { stats, webhooks };
  }

  list(userId: number): Promise<Alert[]> {
    return this.#store.alerts.list(userId);
  }

  async create(userId: number, f: AlertForm): Promise<Alert> {
    const kind = f.kind as AlertKind;
    if (!(ALERT_KINDS as readonly string[]).includes(kind))
      throw new InvalidInputError(`kind: "${f.kind.slice(0, 40)}" is not one of ${ALERT_KINDS.join(', ')}`);
    const delivery = checkDelivery(f.delivery);
    if ((await this.#store.alerts.list(userId)).length >= MAX_ALERTS)
      throw new InvalidInputError(`alerts: at most ${MAX_ALERTS} per reader; delete one first`);
    const target = f.target.trim();
    if (target.length > MAX_TARGET)
      throw new InvalidInputError(`target: at most ${MAX_TARGET} characters (got ${target.length})`);
    const now = new Date((this.#opts.now ?? Date.now)()).toISOString();
    const base = { userId, kind, delivery };
    switch (kind) {
      case 'search':
        if (!target) throw new InvalidInputError('search: enter a query, like diffusion -survey');
        try {
          parseQuery(target);
        } catch (err) {
          throw new InvalidInputError(`search: ${err instanceof Error ? err.message : String(err)}`);
        }
        return this.#store.alerts.create({ ...base, target }, now);
      case 'author':
        if (!target) throw new InvalidInputError("author: enter the author's name, like Geoffrey Hinton");
        return this.#store.alerts.create({ ...base, target }, now);
      case 'category': {
        const why = categoryProblem(target);
        if (why) throw new InvalidInputError(`category: ${why}`);
        return this.#store.alerts.create({ ...base, target }, now);
      }
      case 'version':
      case 'code':
        return this.#store.alerts.create({ ...base, target: 'library' }, now);
      case 'trending':
        return this.#trending(userId, target, f.threshold ?? '', delivery, now);
    }
  }

  async #trending(userId: number, target: string, thresholdText: string, delivery: Delivery[], now: string) {
    const parsed = parseArxivId(target);
    if (!parsed) throw new InvalidInputError(`paper: "${target.slice(0, 80)}" ${whyNotArxivId(target)}`);
    const paper = await this.#store.papers.get(parsed.id);
    if (!paper)
      throw new InvalidInputError(`paper: ${parsed.id} is not on this site; save or submit it first`);
    const threshold = Number(thresholdText.trim());
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > MAX_THRESHOLD)
      throw new InvalidInputError(
        `votes: "${thresholdText.slice(0, 20)}" is not a whole number from 1 to ${MAX_THRESHOLD}`,
      );
    return this.#store.alerts.create(
      { userId, kind: 'trending', target: parsed.id, paperId: paper.id, threshold, delivery },
      now,
    );
  }

  async setPaused(userId: number, id: number, paused: boolean): Promise<void> {
    if (!(await this.#store.alerts.update(userId, id, { paused }))) throw new NotFoundError('No such alert.');
  }

  async setDelivery(userId: number, id: number, delivery: string[]): Promise<void> {
    const d = checkDelivery(delivery);
    if (!(await this.#store.alerts.update(userId, id, { delivery: d })))
      throw new NotFoundError('No such alert.');
  }

  async remove(userId: number, id: number): Promise<void> {
    if (!(await this.#store.alerts.remove(userId, id))) throw new NotFoundError('No such alert.');
  }

  /** A reader's newest events with their links; with `via`, only those of alerts delivering there. */
  async events(userId: number, limit: number, via?: Delivery): Promise<AlertEvent[]> {
    return (await this.#store.alerts.events(userId, limit, via)).map((e) => ({
      ...e,
      link: paperLink(this.#opts.baseUrl, e.arxivId),
    }));
  }

  /**
   * Computes events for everything queued. A call during a drain gets one more drain after it
   * (shared by every call meanwhile): the running one may have read the queue before their change.
   */
  poke(): Promise<ComputeResult> {
    if (this.#drain) {
      this.#next ??= this.#drain.then(
        () => this.#afterDrain(),
        () => this.#afterDrain(),
      );
      return this.#next;
    }
    this.#drain = computeEvents(this.#store.alerts, this.#opts).finally(() => {
      this.#drain = null;
    });
    return this.#drain;
  }

  /** Resolves once no drain is running or asked for (a closing site waits for it). */
  async settled(): Promise<void> {
    for (let p = this.#next ?? this.#drain; p; p = this.#next ?? this.#drain) await p.catch(() => {});
  }

  #afterDrain(): Promise<ComputeResult> {
    this.#next = null;
    return this.poke();
  }
}

function checkDelivery(values: string[]): Delivery[] {
  const bad = values.filter((v) => !(DELIVERIES as readonly string[]).includes(v));
  if (bad.length)
    throw new InvalidInputError(
      `delivery: ${bad.map((b) => `"${b.slice(0, 20)}"`).join(', ')} is not one of ${DELIVERIES.join(', ')}`,
    );
  if (values.length === 0)
    throw new InvalidInputError(`delivery: choose at least one of ${DELIVERIES.join(', ')}`);
  return [...new Set(values)] as Delivery[];
}
