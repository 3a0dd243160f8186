/**
 * Issue 12, item 8: a claim held by a process that is provably gone is taken over at once — digest
 * outbox rows claimed by a killed sender, and the `ingest:oai` job lease — on SQLite and
 * PostgreSQL. The holder is a real child process (holder-process.ts) killed with SIGKILL, once
 * reaped (the pid no longer exists) and once left a zombie (its parent, `sleep`, never reaps it,
 * and `process.kill(pid, 0)` still succeeds on it). A live holder is still respected.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { createMailer } from '../../src/digest/mailer.ts';
import { DigestSender } from '../../src/digest/send.ts';
import { tryAcquire } from '../../src/jobs/lease.ts';
import { newHolderId } from '../../src/shared/holder.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { addConfirmed, digestConfig, pgStore, sqliteStore } from './helpers.ts';

const HOLDER = path.join(import.meta.dirname, 'holder-process.ts');

interface Held {
  pid: number;
  holder: string;
  claimed: number;
  /** SIGKILL the holder; `zombie`: its parent never reaps it, so it stays in state Z. */
  kill(): Promise<void>;
  /** Ends whatever is left (the zombie's parent). */
  end(): Promise<void>;
}

async function hold(where: string, what: 'outbox' | 'lease', zombie: boolean): Promise<Held> {
  const argv = [process.execPath, HOLDER, where, what];
  // `sh` starts the holder in the background and becomes `sleep`, which never waits for children.
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child: ChildProcess = zombie
    ? spawn('sh', ['-c', `${quoted} & exec sleep 600`], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, 'line')) as [string];
  lines.close();
  child.stdout!.resume();
  const info = JSON.parse(first) as { pid: number; holder: string; claimed: number };
  return {
    ...info,
    async kill() {
      process.kill(info.pid, 'SIGKILL');
      if (!zombie) {
        await exited;
        return;
      }
      // No event tells a non-parent that a process died; read its state until it is Z.
      const deadline = Date.now() + 10_000;
      while (procState(info.pid) !== 'Z') {
        assert.ok(Date.now() < deadline, `holder ${info.pid} never became a zombie`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async end() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

const procState = (pid: number) => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2)[0];
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`claims of a gone holder are taken over at once, on ${dialect}`, () => {
    let store: Store;
    let where: string;
    let smtp: TestSmtpServer;
    let dir: string;
    let close: () => Promise<void>;
    before(async () => {
      smtp = await startSmtpServer();
      const s = sqliteStore();
      dir = s.dir;
      if (dialect === 'sqlite') {
        store = s.store;
        where = s.file;
        close = () => s.store.close();
      } else {
        await s.store.close();
        const p = await pgStore();
        store = p.store;
        where = p.url;
        close = p.drop;
      }
    });
    after(async () => {
      await close();
      await smtp.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    let batch = 0;
    /** Three planned digests due now. */
    async function plan(): Promise<number[]> {
      const now = Date.now();
      const day = new Date(now).toISOString().slice(0, 10);
      const ids: number[] = [];
      batch++;
      for (let i = 0; i < 3; i++) {
        const sub = await addConfirmed(store, `gone-${dialect}-${batch}-${i}@example.org`, undefined, now);
        ids.push(sub.id);
      }
      const period = `daily:${day}#${batch}`;
      await store.digest.plan(
        ids.map((subscriberId) => ({
          subscriberId,
          period,
          runId: null,
          messageId: `<gone.${batch}.${subscriberId}@paperboy.test>`,
          subject: 'S',
          text: 'T',
          html: '<p>H</p>',
          papers: [],
          slot: now,
          expiresAt: now + 86_400_000,
        })),
        now,
      );
      return ids;
    }

    const drain = async () => {
      // A 5-minute lease, as by default: only a takeover can let this sender have the rows now.
      const config = digestConfig(dir, { smtpUrl: smtp.url, digestLeaseMs: 300_000 });
      const mailer = createMailer(config);
      const sender = new DigestSender({ store, config, mailer, holder: newHolderId() });
      try {
        return await sender.drain();
      } finally {
        await mailer.close();
      }
    };

    for (const zombie of [false, true]) {
      const how = zombie ? 'killed and left a zombie' : 'killed with SIGKILL';
      test(`digest rows claimed by a sender ${how} are sent by the next sender at once`, async () => {
        await plan();
        const held = await hold(where, 'outbox', zombie);
        try {
          assert.equal(held.claimed, 3);
          assert.equal((await drain()).sent, 0, 'a live sender keeps its claim');
          await held.kill();
          const counts = await drain();
          assert.equal(counts.sent, 3, 'the dead sender’s rows went out in this run');
          assert.equal(await store.digest.nextDue(), null, 'nothing waits for a retry');
        } finally {
          await held.end();
        }
      });

      test(`the ingest:oai lease of a harvester ${how} is taken at once`, async () => {
        const held = await hold(where, 'lease', zombie);
        try {
          assert.equal(held.claimed, 1);
          assert.equal(
            await tryAcquire(store.leases, 'ingest:oai', { holder: newHolderId() }),
            null,
            'a live holder keeps its lease',
          );
          await held.kill();
          const lease = await tryAcquire(store.leases, 'ingest:oai', { holder: newHolderId() });
          assert.ok(lease, `taken over from ${held.holder}`);
          await lease.release();
        } finally {
          await held.end();
        }
      });
    }
  });
}
