/**
 * The "provably gone" rule (holder.ts) for holder strings: another boot, a reused pid, old-format
 * holders, other hosts. Killed and zombie processes: test/digest/gone-holder.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { it } from 'node:test';
import { bootId, holderIsGone, newHolderId } from './holder.ts';

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

it('a holder is gone only when provably so', () => {
  const own = newHolderId();
  const [host, pid, , boot, start] = own.split(':');
  assert.equal(host, hostname());
  assert.equal(Number(pid), process.pid);
  assert.equal(boot, bootId());
  assert.match(start!, /^\d+$/, 'the start time is recorded');
  assert.equal(holderIsGone(own), false, 'this process');
  assert.equal(holderIsGone(`${host}:${pid}:x`), false, 'old format, live pid');
  assert.equal(holderIsGone(`${host}:${deadPid()}:x`), true, 'old format, no such pid');
  assert.equal(holderIsGone(`${host}:${pid}:x:ffffffffffff:${start}`), true, 'recorded in another boot');
  assert.equal(holderIsGone(`${host}:${pid}:x:${boot}:${Number(start) + 1}`), true, 'the pid was reused');
  assert.equal(holderIsGone(`other-host:${deadPid()}:x:${boot}:1`), false, 'other hosts: only expiry');
  assert.equal(holderIsGone(`${host}:${process.ppid}:x`), false, 'a live process');
  assert.equal(holderIsGone('h1'), false, 'not a process holder');
  assert.equal(holderIsGone(null), false);
});
