/**
 * `paperboy serve` with `workers` = 2 on the embedded SQLite store (src/cluster/primary.ts): both
 * workers answer; the login rate limit is one across them (the primary's windows,
 * src/cluster/rate-limits.ts), where two in-memory limiters would allow twice the guesses; /metrics
 * sums both workers; a worker killed with SIGKILL is replaced; SIGTERM stops the whole service.
 *
 * Which worker a new connection reaches is the primary's choice (the one with the fewest open
 * connections, src/cluster/connections.ts): a test that needs a given worker keeps a connection
 * open to it (`connectionTo`).
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
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

/**
 * One request, on a connection of its own unless `agent` (a kept-alive connection) is given;
 * rejects when the connection ends (or waits 5 s) without an answer.
 */
function once(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    const req = request(
      url,
      { method: o.method ?? 'GET', headers: o.headers, agent: o.agent ?? false },
      (res) => {
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
      },
    );
    req.on('error', reject);
    // A connection queued for a worker at the moment it dies may go unanswered.
    req.setTimeout(5000, () => req.destroy(new Error(`${url}: no answer within 5 s`)));
    req.on('close', () => {
      if (!answered) reject(new Error(`${url}: the connection closed without an answer`));
    });
    req.end(o.body);
  });
}

const workerOf = async (base: string, agent?: Agent) =>
  (JSON.parse((await once(`${base}/health`, { agent })).body) as { worker?: number }).worker;

/** A kept-alive connection that reached worker `n` (new connections until one does). */
async function connectionTo(base: string, n: number): Promise<Agent> {
  for (let tries = 0; tries < 100; tries++) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    if ((await workerOf(base, agent)) === n) return agent;
    agent.destroy();
  }
  throw new Error(`no new connection reached worker ${n} in 100 tries`);
}

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

  test('both workers answer new connections', async () => {
    const workers = new Set<number | undefined>();
    for (let n = 0; n < 100 && workers.size < 2; n++) workers.add(await workerOf(base));
    assert.deepEqual(workers, new Set([1, 2]));
  });

  test('connections kept open are split evenly between the workers', async () => {
    const agents = Array.from({ length: 10 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    try {
      const seen: (number | undefined)[] = [];
      for (const agent of agents) seen.push(await workerOf(base, agent));
      assert.deepEqual(
        [seen.filter((w) => w === 1).length, seen.filter((w) => w === 2).length],
        [5, 5],
        `workers per connection: ${seen.join(' ')}`,
      );
    } finally {
      for (const a of agents) a.destroy();
    }
  });

  test('each worker warms For you at start (foryou/service.ts warm): /ready says so', async () => {
    for (const n of [1, 2]) {
      const agent = await connectionTo(base, n);
      try {
        let ready: { worker?: number; forYou?: string } = {};
        for (let tries = 0; tries < 500 && ready.forYou !== 'ready'; tries++)
          ready = JSON.parse((await once(`${base}/ready`, { agent })).body);
        assert.deepEqual([ready.worker, ready.forYou], [n, 'ready']);
      } finally {
        agent.destroy();
      }
    }
  });

  test('login failures spread over the two workers are limited as one', async () => {
    // loginFailuresPerAccountAndIp (src/users/accounts.ts): 5 wrong passwords per account and client.
    const to = [await connectionTo(base, 1), await connectionTo(base, 2)];
    const statuses: number[] = [];
    for (let n = 0; n < 6; n++) {
      const agent = to[n % 2]!;
      const form = await once(`${base}/login`, { agent });
      const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1];
      assert.ok(csrf, 'the login form has a CSRF token');
      const r = await once(`${base}/login`, {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: form.cookies.map((c) => c.split(';')[0]).join('; '),
          origin: base,
        },
        body: new URLSearchParams({ csrf, email: 'target@example.org', password: `wrong ${n}` }).toString(),
      });
      statuses.push(r.status);
    }
    assert.deepEqual(
      [await workerOf(base, to[0]), await workerOf(base, to[1])],
      [1, 2],
      'one on each worker',
    );
    for (const a of to) a.destroy();
    assert.deepEqual(
      statuses,
      [401, 401, 401, 401, 401, 429],
      'the sixth, the third on worker 2, is refused',
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
    const to = [await connectionTo(base, 1), await connectionTo(base, 2)];
    const before = await count();
    for (let n = 0; n < 10; n++) assert.equal(await workerOf(base, to[n % 2]), (n % 2) + 1);
    for (const a of to) a.destroy();
    assert.equal((await count()) - before, 10, 'all ten /health requests are counted, five on each worker');
  });

  test('a killed worker is replaced, and SIGTERM stops every process', async () => {
    const pid = serve.child.pid!;
    const [first] = childPids(pid);
    process.kill(first!, 'SIGKILL');
    // Answers keep coming (from the other worker) until both answer again, the new one included.
    for (;;) {
      const pids = childPids(pid);
      if (pids.length === 2 && !pids.includes(first!)) break;
      // A connection queued for the worker as it died goes unanswered; the next one does not.
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
