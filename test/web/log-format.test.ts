/**
 * Issue 18 item 6: one log format. Every line `paperboy serve` writes is a JSON record in pino's
 * shape (the request log's, and the process's own messages: where it serves, the setup link, the
 * mail fallback), and a command's progress off a terminal is too; on a terminal the same records
 * are readable lines (src/shared/log.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Log, logDestination, readable } from '../../src/shared/log.ts';
import { tempDir } from '../support/app.ts';
import { freePort, serveChild } from '../support/serve.ts';
import { snapshotRecord } from '../support/snapshot.ts';

const MAIN = path.join(import.meta.dirname, '../../src/cli/main.ts');

interface Rec {
  level: number;
  time: number;
  pid: number;
  hostname: string;
  msg: string;
  reqId?: string;
  [k: string]: unknown;
}

/** Every non-empty line parsed as a log record (fails naming the first line that is not one). */
function records(text: string): Rec[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      let r: Rec;
      try {
        r = JSON.parse(l) as Rec;
      } catch {
        assert.fail(`not a JSON log line: ${l}`);
      }
      assert.equal(typeof r.level, 'number', l);
      assert.equal(typeof r.time, 'number', l);
      assert.equal(typeof r.pid, 'number', l);
      assert.equal(typeof r.msg, 'string', l);
      return r;
    });
}

test('the process logger writes pino-shaped records, honours the level, and announcements always show', () => {
  const out: string[] = [];
  const log = new Log({ write: (l) => void out.push(l) }, 'warn');
  log.info('not shown at warn');
  log.warn('mail failed', { err: new Error('connection refused'), to: 7 });
  log.announce('paperboy: serving http://127.0.0.1:1');
  const [warn, announced] = records(out.join(''));
  assert.equal(out.length, 2);
  assert.equal(warn!.level, 40);
  assert.equal(warn!.msg, 'mail failed');
  assert.equal(warn!.to, 7);
  assert.equal((warn!.err as { message: string }).message, 'connection refused');
  assert.equal(announced!.level, 30);
  assert.deepEqual(Object.keys(warn!).slice(0, 4), ['level', 'time', 'pid', 'hostname']);
});

test('on a terminal records are readable lines; off a terminal they pass as JSON', () => {
  const line = `${JSON.stringify({
    level: 30,
    time: Date.parse('2026-01-07T12:00:01.250Z'),
    pid: 1,
    hostname: 'h',
    reqId: 'r-1',
    res: { statusCode: 404 },
    responseTime: 1.234,
    msg: 'request completed',
  })}\n`;
  assert.equal(readable(line), '12:00:01.250 INFO  [r-1] request completed → 404 1.2 ms\n');
  const tty: string[] = [];
  logDestination({ isTTY: true, write: (s: string) => tty.push(s) }).write(line);
  const pipe: string[] = [];
  logDestination({ isTTY: false, write: (s: string) => pipe.push(s) }).write(line);
  if (process.env.TERM !== 'dumb') assert.equal(tty[0], readable(line));
  assert.equal(pipe[0], line);
  assert.match(
    readable(`${JSON.stringify({ level: 50, time: 0, msg: 'x', err: { stack: 'E\n at f' } })}\n`),
    /\n {2}E\n {2} at f\n$/,
  );
});

test('paperboy serve writes only JSON records: announcements, the setup link and the request log', async () => {
  const dir = tempDir();
  const port = await freePort();
  const closed = 'http://127.0.0.1:9';
  const child = await serveChild({
    PATH: process.env.PATH ?? '',
    TZ: 'UTC',
    PAPERBOY_DATA: dir,
    PAPERBOY_HOST: '127.0.0.1',
    PAPERBOY_PORT: String(port),
    PAPERBOY_LOG_LEVEL: 'info',
    PAPERBOY_SCHEDULER: 'false',
    PAPERBOY_ARXIV_OAI_URL: closed,
    PAPERBOY_ARXIV_API_URL: closed,
    PAPERBOY_ARXIV_RSS_URL: closed,
  });
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'X-Request-Id': 'log-format-1' } });
    await res.arrayBuffer();
    assert.equal(res.headers.get('x-request-id'), 'log-format-1');
  } finally {
    await child.stop();
  }
  const recs = records(child.output());
  assert.ok(recs.some((r) => r.msg.startsWith('paperboy: serving http://')));
  assert.ok(
    recs.some((r) => /\/setup\?token=[\w-]+$/.test(r.msg)),
    'the setup link, as a record',
  );
  const mine = recs.filter((r) => r.reqId === 'log-format-1');
  assert.ok(
    mine.some((r) => r.msg === 'request completed'),
    'the request log carries the request id',
  );
});

test('a command’s progress off a terminal is JSON records on stderr; its answer stays on stdout', () => {
  const dir = tempDir();
  const file = path.join(dir, 'snap.jsonl');
  writeFileSync(file, `${JSON.stringify(snapshotRecord('0704.0001'))}\n`);
  const r = spawnSync(process.execPath, [MAIN, 'import', file, '--json', '--data', dir], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC' },
  });
  assert.equal(r.status, 0, r.stderr);
  const recs = records(r.stderr);
  assert.ok(
    recs.some((x) => x.msg.startsWith('import: done ')),
    r.stderr,
  );
  assert.equal((JSON.parse(r.stdout) as { inserted: number }).inserted, 1);
});
