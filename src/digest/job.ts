/**
 * The scheduled digest job (listed in src/app/schedule.ts): runs the latest slot and stays
 * until every row is settled (sent, failed after its retries, or expired), so retries and breaker
 * pauses happen under the job's lease. Another instance sees the slot finished and skips it; one
 * that took over after a crash finds the outbox as it was left and finishes it.
 */
import type { JobContext } from '../jobs/schedule.ts';
import { createMailer } from './mailer.ts';
import type { DigestAlerts, DigestForYou } from './plan.ts';
import { runDigest, slotFor } from './run.ts';
import type { DigestStore } from './store.ts';

/**
 * `forYou`: account holders' personal digests (issue 14 item 6); `alerts`: their "Your alerts"
 * section (issue 15); both built by the composition root.
 */
export async function digestJob(
  ctx: JobContext<DigestStore>,
  forYou: DigestForYou,
  alerts?: DigestAlerts,
): Promise<string> {
  const slot = slotFor(ctx.config, undefined, new Date());
  const mailer = createMailer(ctx.config);
  try {
    const r = await runDigest(ctx.store, ctx.config, {
      slot,
      trigger: 'scheduler',
      mailer,
      waitForRetries: true,
      forYou,
      ...(alerts ? { alerts } : {}),
      signal: ctx.signal,
      log: ctx.log,
    });
    return `digest ${slot.day}: ${r.plan.planned} planned, ${r.send.sent} sent, ${r.send.failed} failed, ${r.send.expired} expired`;
  } finally {
    await mailer.close();
  }
}
