/**
 * One digest run (a scheduler slot or `paperboy digest send`): expire stale pending
 * subscriptions, plan the slot's digests into the outbox, drain it, and — for the scheduler — wait
 * for retries until every row of the run is settled. Each step is idempotent, so a run killed at
 * any point is finished by the next one without a subscriber missed or a period sent twice.
 */
import type { Config } from '../config/config.ts';
import { previousDailySlot, zonedDay } from '../jobs/zoned-time.ts';
import { holderIsGone, newHolderId } from '../shared/holder.ts';
import { sleep } from '../shared/sleep.ts';
import { reportDigestSend } from '../shared/telemetry.ts';
import type { Mailer } from './mail.ts';
import { type Slot, slotOn } from './period.ts';
import {
  type DigestAlerts,
  type DigestForYou,
  type PlanOptions,
  type PlanResult,
  planDigests,
} from './plan.ts';
import { DigestSender, type SendCounts } from './send.ts';
import type { DigestStore } from './store.ts';

export interface RunOptions {
  slot: Slot;
  trigger: 'scheduler' | 'cli';
  mailer: Mailer;
  holder?: string;
  dryRun?: boolean;
  only?: string;
  /** Keep going until no row is pending (retries, breaker pauses); else stop when nothing is due now. */
  waitForRetries?: boolean;
  signal?: AbortSignal;
  now?: () => number;
  log?: (msg: string) => void;
  onPreview?: PlanOptions['onPreview'];
  /** Account holders' personal digests (plan.ts `PlanOptions.forYou`). */
  forYou?: DigestForYou;
  /** The "Your alerts" section (plan.ts `PlanOptions.alerts`). */
  alerts?: DigestAlerts;
}

export interface RunResult {
  runId: number | null;
  plan: PlanResult;
  send: SendCounts;
  /** Rows still waiting (retry later, paused). */
  pending: number;
}

/** The slot of a local date (`--period`), or of the latest scheduled time at or before `now`. */
export function slotFor(config: Config, day: string | undefined, now: Date): Slot {
  const d =
    day ?? zonedDay(previousDailySlot(now, config.digestTime, config.digestTimeZone), config.digestTimeZone);
  return slotOn(d, config.digestTime, config.digestTimeZone);
}

export async function runDigest(store: DigestStore, config: Config, o: RunOptions): Promise<RunResult> {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const holder = o.holder ?? newHolderId();
  const repo = store.digest;
  const emptySend: SendCounts = { sent: 0, failed: 0, expired: 0, skipped: 0, retried: 0 };
  if (o.dryRun) {
    const plan = await planDigests(store, config, {
      slot: o.slot,
      runId: null,
      now: now(),
      dryRun: true,
      ...(o.only ? { only: o.only } : {}),
      ...(o.onPreview ? { onPreview: o.onPreview } : {}),
      ...(o.forYou ? { forYou: o.forYou } : {}),
      ...(o.alerts ? { alerts: o.alerts } : {}),
    });
    return { runId: null, plan, send: emptySend, pending: 0 };
  }
  await repo.expirePending(now());
  await repo.interruptRuns(holderIsGone, now());
  const runId = await repo.startRun(new Date(o.slot.at).toISOString(), o.trigger, holder, now());
  let plan: PlanResult = { due: 0, planned: 0, existing: 0, skippedEmpty: 0, badInterests: 0 };
  const sender = new DigestSender({ store, config, mailer: o.mailer, holder, now, log });
  const counts = () => ({
    planned: plan.planned,
    skippedEmpty: plan.skippedEmpty,
    sent: sender.counts.sent,
    failed: sender.counts.failed,
    expired: sender.counts.expired,
  });
  try {
    plan = await planDigests(store, config, {
      slot: o.slot,
      runId,
      now: now(),
      ...(o.only ? { only: o.only } : {}),
      ...(o.onPreview ? { onPreview: o.onPreview } : {}),
      ...(o.forYou ? { forYou: o.forYou } : {}),
      ...(o.alerts ? { alerts: o.alerts } : {}),
    });
    log(
      `digest ${o.slot.day}: ${plan.due} due, ${plan.planned} planned, ${plan.existing} already planned, ${plan.skippedEmpty} with nothing new`,
    );
    await repo.updateRun(runId, counts());
    for (;;) {
      await sender.drain(o.signal ? { signal: o.signal } : {});
      await repo.updateRun(runId, counts());
      const next = await repo.nextDue();
      if (!o.waitForRetries || next === null || o.signal?.aborted) break;
      // An abort ends the wait; the check above then ends the loop.
      await sleep(Math.max(200, next - now()), o.signal).catch(() => {});
    }
    const next = await repo.nextDue();
    const pending =
      next === null
        ? 0
        : (await repo.periodCounts(14)).reduce(
            (n, p) => n + (p.counts.pending ?? 0) + (p.counts.sending ?? 0),
            0,
          );
    const status = o.signal?.aborted
      ? 'interrupted'
      : sender.counts.failed > 0 || pending > 0
        ? 'partial'
        : 'ok';
    const message = `${sender.counts.sent} sent, ${sender.counts.failed} failed, ${sender.counts.expired} expired, ${sender.counts.skipped} skipped, ${pending} waiting`;
    await repo.updateRun(runId, counts(), { status, message, at: now() });
    return { runId, plan, send: sender.counts, pending };
  } catch (err) {
    await repo
      .updateRun(runId, counts(), {
        status: 'failed',
        message: (err as Error).message.slice(0, 500),
        at: now(),
      })
      .catch(() => {});
    throw err;
  } finally {
    reportDigestSend({ scope: store, ...sender.counts });
  }
}
