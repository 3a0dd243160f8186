/**
 * `paperboy serve` with `workers` = 2 on the embedded SQLite store (src/cluster/primary.ts): both
 * workers answer; the login rate limit is one across them (the primary's windows,
 * src/cluster/rate-limits.ts), where two in-memory limiters would allow twice the guesses; /metrics
 * sums both workers; a worker killed with SIGKILL is replaced; SIGTERM stops the whole service.
 *
 * Every request here opens its own connection (node:http without an agent), so the primary's
 * round-robin hands consecutive requests to alternate workers.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { PasswordHasher } from '../../src/users/password.ts';
import { tempDir } from '../support/app.ts';
import { STRONG_PASSWORD } from '../support/passwords.ts';
import { freePort, type ServeChild, serveChild, serveEnv } from '../support/serve.ts';

interface Answer {
  status: number;
  cookies: string[];
  body: string;
}

/** One request on a connection of its own; rejects when the connection ends (or waits 5 s) without an answer. */
function once(url: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error(`${url}: the connection closed mid-answer`));
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], body }),
      );
    });
    req.on('error', reject);
    // node:cluster can strand a connection handed to a worker at the moment it dies.
    req.setTimeout(5000, () => req.destroy(new Error(`${url}: no answer within 5 s`)));
    req.on('close', () => {
      if (!answered) reject(new Error(`${url}: the connection closed without an answer`));
    });
    req.end(o.body);
  });
}

const workerOf = async (base: string) =>
  (JSON.parse((await once(`${base}/health`)).body) as { worker?: number }).worker;

/** The serve workers' pids: the primary's children (Linux /proc). */
function childPids(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
}

describe('serve with two workers on SQLite', () => {
  let dir: string;
  let base: string;
  let serve: ServeChild;

  before(async () => {
    dir = tempDir('paperboy-workers-');
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    const now = new Date().toISOString();
    const u = await store.users.create({
      email: 'target@example.org',
      name: 'target',
      passwordHash: await new PasswordHasher().hash(STRONG_PASSWORD),
      now,
    });
    await store.users.markVerified(u!.id, now);
    await store.close();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    serve = await serveChild(serveEnv(dir, port, { PAPERBOY_WORKERS: '2', PAPERBOY_SCHEDULER: 'false' }));
    // "serving" is said by worker 1; wait until worker 2 answers too.
    const seen = new Set<number | undefined>();
    while (seen.size < 2) seen.add(await workerOf(base));
  });

  after(async () => {
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('both workers answer, in turn', async () => {
    const workers = [];
    for (let n = 0; n < 6; n++) workers.push(await workerOf(base));
    assert.deepEqual(new Set(workers), new Set([1, 2]), `answered by ${workers.join(', ')}`);
  });

  test('login failures spread over the two workers are limited as one', async () => {
    // loginFailuresPerAccountAndIp (src/users/accounts.ts): 5 wrong passwords per account and client.
    const statuses: number[] = [];
    for (let n = 0; n < 6; n++) {
      const form = await once(`${base}/login`);
      const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1];
      assert.ok(csrf, 'the login form has a CSRF token');
      const r = await once(`${base}/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: form.cookies.map((c) => c.split(';')[0]).join('; '),
          origin: base,
        },
        body: new URLSearchParams({ csrf, email: 'target@example.org', password: `wrong ${n}` }).toString(),
      });
      statuses.push(r.status);
      // Three connections an attempt (form, post, this): the round-robin hands the next attempt's
      // post to the other worker.
      await once(`${base}/health`);
    }
    assert.deepEqual(
      statuses,
      [401, 401, 401, 401, 401, 429],
      'the sixth is refused whichever worker has it',
    );
  });

  test('/metrics counts the requests of both workers', async () => {
    const count = async () => {
      const text = (await once(`${base}/metrics`)).body;
      let n = 0;
      for (const m of text.matchAll(
        /^paperboy_http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*\} (\d+)/gm,
      ))
        n += Number(m[1]);
      return n;
    };
    const before = await count();
    const workers = new Set<number | undefined>();
    for (let n = 0; n < 10; n++) workers.add(await workerOf(base));
    assert.equal(workers.size, 2, 'both workers had some');
    assert.equal((await count()) - before, 10, 'all ten /health requests are counted, on either worker');
  });

  test('a killed worker is replaced, and SIGTERM stops every process', async () => {
    const pid = serve.child.pid!;
    const [first] = childPids(pid);
    process.kill(first!, 'SIGKILL');
    // Answers keep coming (from the other worker) until both answer again, the new one included.
    for (;;) {
      const pids = childPids(pid);
      if (pids.length === 2 && !pids.includes(first!)) break;
      // A connection handed to the worker as it died goes unanswered; the next one does not.
      await once(`${base}/health`).catch(() => undefined);
    }
    const seen = new Set<number | undefined>();
    while (seen.size < 2) seen.add(await workerOf(base));
    assert.match(serve.output(), /serve worker \d exited \(SIGKILL\); starting another/);
    const workers = childPids(pid);
    const exited = new Promise<number | null>((r) => serve.child.once('exit', (code) => r(code)));
    serve.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const w of workers) assert.throws(() => process.kill(w, 0), 'no worker is left running');
  });
});
