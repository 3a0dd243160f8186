/**
 * Who holds a claim (a job lease, a digest outbox row, a run record), and whether that holder is
 * provably gone, so its claim can be taken over at once instead of waiting out its lease.
 *
 * A holder is `host:pid:nonce:boot:start`: the machine, the process, a per-holder nonce, this
 * boot's id (`/proc/sys/kernel/random/boot_id`, shortened) and the process's start time in clock
 * ticks since boot (`/proc/<pid>/stat` field 22). The last two are empty where /proc is missing.
 * Older holders (`host:pid:nonce`) are still read; for them only the pid is checked.
 *
 * Provably gone means: recorded on this host, and its boot is not this boot, or no process has its
 * pid, or the process with its pid is a zombie (`kill -9` leaves one until its parent reaps it, and
 * `process.kill(pid, 0)` succeeds on a zombie), or it started at another time (the pid was reused).
 * Anything else, including every holder on another host, counts as alive: only its lease expiry
 * frees its claims.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

let boot: string | null | undefined;

/** This boot's id, first 12 hex digits; null where Linux's /proc does not tell. */
export function bootId(): string | null {
  if (boot === undefined) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').replace(/-/g, '').trim().slice(0, 12);
    } catch {
      boot = null;
    }
  }
  return boot || null;
}

interface ProcStat {
  state: string;
  start: string;
}

/** A process's state letter and start time; 'missing' when no process has the pid; null when /proc does not say. */
function procStat(pid: number): ProcStat | 'missing' | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    // Not in /proc; but /proc may be missing or hide other users' processes (hidepid), so only
    // the kernel's own "no such process" counts.
    return pidExists(pid) ? null : 'missing';
  }
  // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  return { state: fields[0] ?? '', start: fields[19] ?? '' };
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** `host:pid:nonce:boot:start` for this process (a new nonce per call). */
export function newHolderId(): string {
  const own = procStat(process.pid);
  const start = own && own !== 'missing' ? own.start : '';
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}:${bootId() ?? ''}:${start}`;
}

/** True only when the holder ran on this machine and that process provably no longer runs. */
export function holderIsGone(holder: string | null): boolean {
  if (!holder) return false;
  const [host, pidText, , recordedBoot, recordedStart] = holder.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0) return false;
  const thisBoot = bootId();
  if (recordedBoot && thisBoot && recordedBoot !== thisBoot) return true;
  const stat = procStat(pid);
  if (stat === 'missing') return true;
  // The pid exists but /proc does not describe it (not Linux, or hidden): assume it is alive.
  if (stat === null) return false;
  // Z: a zombie, X: being reaped; either way it will never renew or finish its claim.
  if (stat.state === 'Z' || stat.state === 'X') return true;
  return Boolean(recordedStart && stat.start && recordedStart !== stat.start);
}
