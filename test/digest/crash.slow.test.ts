/**
 * Real sending processes (`paperboy digest send`) against a real SMTP server:
 *
 * RELIABILITY (Digests): "`kill -9` the sender at random points until done: 0 subscribers missed;
 * a duplicate is only possible for a message the SMTP server accepted just before the kill, and it
 * carries the same Message-ID; report the count." — on SQLite, ≥ 5 kills; the count is printed and
 * written to test-results/digest-kill9.json.
 *
 * RELIABILITY (Digests): "Scheduler run twice, and in two processes at once: still one row per
 * (subscriber, period)." — two processes started together, then a third, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { addConfirmed, nextWeekday, pgStore, seedPapers, sqliteStore } from './helpers.ts';

const MAIN = path.join(import.meta.dirname, '../../src/cli/main.ts');
const ROOT = path.join(import.meta.dirname, '../..');

function sender(
  env: Record<string, string>,
  day: string,
): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, 'digest', 'send', '--period', day, '--json'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, done };
}

function baseEnv(
  data: string,
  smtp: TestSmtpServer,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PAPERBOY_DATA: data,
    PAPERBOY_SMTP_URL: smtp.url,
    PAPERBOY_BASE_URL: 'https://paperboy.test',
    PAPERBOY_MAIL_FROM: 'paperboy <digest@paperboy.test>',
    PAPERBOY_DIGEST_TIME: '06:00',
    PAPERBOY_DIGEST_TIME_ZONE: 'UTC',
    PAPERBOY_DIGEST_LEASE_MS: '1000',
    PAPERBOY_DIGEST_RETRY_BASE_MS: '50',
    PAPERBOY_SMTP_POOL_SIZE: '2',
    PAPERBOY_LOG_LEVEL: 'silent',
    ...extra,
  };
}

async function seed(store: Store, prefix: string, count: number, slotMs: number): Promise<string[]> {
  await seedPapers(store, 24, slotMs);
  const emails: string[] = [];
  for (let i = 0; i < count; i++) {
    const email = `${prefix}${i}@example.org`;
    await addConfirmed(store, email, undefined, Date.now() - 3_600_000);
    emails.push(email);
  }
  return emails;
}

function byRecipient(smtp: TestSmtpServer, emails: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(emails.map((e) => [e, []]));
  for (const m of smtp.received) {
    const id = /\r\nMessage-ID: (<[^>]+>)/i.exec(`\r\n${m.raw.toString('utf8')}`)?.[1] ?? '?';
    for (const r of m.recipients) out.get(r)?.push(id);
  }
  return out;
}

describe('real sending processes', () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanup) await c();
  });

  test('kill -9 at random points until done: 0 missed, duplicates only with the same Message-ID', async () => {
    const { day, slotMs } = nextWeekday();
    const { store, dir } = sqliteStore();
    const smtp = await startSmtpServer();
    cleanup.push(async () => {
      await smtp.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const emails = await seed(store, 'kill', 60, slotMs);
    await store.close();
    // At most 5 messages a second (the mailer's send window): a kill at 0.4–1.8 s lands in
    // planning or mid-sending and lets at most ~10 out, so however fast the machine, 60
    // subscribers outlast the kills.
    const env = baseEnv(dir, smtp, { PAPERBOY_SMTP_RATE_LIMIT: '5' });
    let kills = 0;
    let runs = 0;
    let lastCode: number | null = null;
    const random = (() => {
      let x = 12345;
      return () => {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        return x / 2 ** 31;
      };
    })();
    while (runs < 40) {
      runs++;
      const { child, done } = sender(env, day);
      if (kills < 6) {
        // Every other kill lands right after the server accepted a message (before the sender can
        // have recorded it): the one moment a duplicate is allowed, so the test sees one happen.
        const t =
          kills % 2 === 0
            ? setTimeout(() => child.kill('SIGKILL'), 400 + Math.floor(random() * 1400))
            : undefined;
        if (t === undefined)
          smtp
            .waitFor(smtp.received.length + 1 + Math.floor(random() * 3), 30_000)
            .then(() => child.kill('SIGKILL'))
            .catch(() => {});
        lastCode = await done;
        clearTimeout(t);
        if (child.signalCode === 'SIGKILL') {
          kills++;
          continue;
        }
      } else lastCode = await done;
      if (lastCode === 0) break;
      await new Promise((r) => setTimeout(r, 1100)); // leases of the killed process lapse
    }
    assert.ok(kills >= 5, `killed ${kills} times`);
    assert.equal(lastCode, 0, 'a final run finished everything');

    const got = byRecipient(smtp, emails);
    const missed = emails.filter((e) => got.get(e)!.length === 0);
    const dups = [...got.values()].filter((ids) => ids.length > 1);
    assert.deepEqual(missed, [], '0 subscribers missed');
    for (const ids of dups)
      assert.equal(new Set(ids).size, 1, `a duplicate carries the same Message-ID: ${ids}`);
    const duplicateMessages = dups.reduce((n, ids) => n + ids.length - 1, 0);
    const report = {
      kills,
      runs,
      subscribers: emails.length,
      received: smtp.received.length,
      missed: missed.length,
      duplicateMessages,
    };
    mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(
      path.join(ROOT, 'test-results', 'digest-kill9.json'),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    console.log(`kill -9 test: ${JSON.stringify(report)}`);

    const { SqliteStore } = await import('../../src/app/sqlite.store.ts');
    const check = new SqliteStore(path.join(dir, 'paperboy.db'));
    const counts = await check.digest.periodCounts(5);
    await check.close();
    assert.deepEqual(
      counts,
      [{ period: `daily:${day}`, counts: { sent: emails.length } }],
      'one row per subscriber, all sent',
    );
  });

  for (const dialect of ['sqlite', 'postgres'] as const) {
    test(`two schedulers at once, then a third, on ${dialect}: one row and one mail per subscriber`, async () => {
      const { day, slotMs } = nextWeekday();
      const smtp = await startSmtpServer();
      let store: Store;
      let env: Record<string, string>;
      if (dialect === 'sqlite') {
        const s = sqliteStore();
        store = s.store;
        env = baseEnv(s.dir, smtp);
        cleanup.push(async () => rmSync(s.dir, { recursive: true, force: true }));
      } else {
        const p = await pgStore();
        store = p.store;
        env = baseEnv(sqliteStore().dir, smtp, { DATABASE_URL: p.url });
        cleanup.push(p.drop);
      }
      cleanup.push(() => smtp.stop());
      const emails = await seed(store, `two-${dialect}-`, 40, slotMs);
      const a = sender(env, day);
      const b = sender(env, day);
      const codes = await Promise.all([a.done, b.done]);
      assert.ok(
        codes.every((c) => c === 0 || c === 3),
        `exit codes ${codes}`,
      );
      const third = sender(env, day);
      assert.equal(await third.done, 0);
      const got = byRecipient(smtp, emails);
      for (const e of emails) assert.equal(got.get(e)!.length, 1, `${e} got exactly one digest`);
      const counts = await store.digest.periodCounts(5);
      assert.deepEqual(counts, [{ period: `daily:${day}`, counts: { sent: emails.length } }]);
      const runs = await store.digest.recentRuns(10);
      assert.equal(runs.length, 3);
      assert.equal(
        runs.reduce((n, r) => n + r.planned, 0),
        emails.length,
        'planned once in total across the three runs',
      );
      if (dialect === 'sqlite') await store.close();
    });
  }
});
