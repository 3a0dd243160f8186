/**
 * One log format (issue 18 item 6): JSON lines in pino's shape (`level` number, `time` ms, `pid`,
 * `hostname`, `msg`, then fields), the format Fastify's request log already has, so `serve`'s
 * process messages, the scheduler's and each CLI command's own messages can be read by the same
 * tools as the request log. On a terminal the same records are printed as one readable line each
 * (pino-pretty is not a dependency; `readable` below is the small part of it we need).
 *
 * `log` is the process's logger for code that runs outside a request (CLI commands, mail and
 * alert failures in the background). It writes to stderr by default, so a command's answer on
 * stdout (`--json` results, search hits) stays clean; `serve` points it at stdout, beside the
 * request log (serve.ts).
 */
import { hostname } from 'node:os';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** pino's level numbers. */
const LEVELS: Record<Exclude<LogLevel, 'silent'>, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};
const NAMES = new Map(Object.entries(LEVELS).map(([name, n]) => [n, name.toUpperCase()]));

export interface LogSink {
  write(line: string): void;
}

type Stream = { write(chunk: string): unknown; isTTY?: boolean };

/** Whether records for `out` are printed readable: a terminal (that is not `TERM=dumb`). */
export function isTerminal(out: Stream): boolean {
  return Boolean(out.isTTY) && process.env.TERM !== 'dumb';
}

/** Where log lines go: JSON lines as they are, or readable lines on a terminal. */
export function logDestination(out: Stream): LogSink {
  if (!isTerminal(out)) return { write: (line) => void out.write(line) };
  return { write: (line) => void out.write(readable(line)) };
}

const fieldText = (v: unknown) => (typeof v === 'string' && !/[\s"=]/.test(v) ? v : JSON.stringify(v));

/** One JSON log record as a line for a person: `12:00:01.250 INFO  [req-id] message key=value`. */
export function readable(line: string): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, time, msg, pid: _p, hostname: _h, reqId, req, res, err, responseTime, ...rest } = r;
  const at = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const parts = [at, (NAMES.get(level as number) ?? String(level)).padEnd(5)];
  if (reqId) parts.push(`[${String(reqId)}]`);
  if (msg !== undefined) parts.push(String(msg));
  const rq = req as { method?: string; url?: string } | undefined;
  if (rq?.method) parts.push(`${rq.method} ${rq.url ?? ''}`);
  const rs = res as { statusCode?: number } | undefined;
  if (rs?.statusCode) parts.push(`→ ${rs.statusCode}`);
  if (typeof responseTime === 'number') parts.push(`${responseTime.toFixed(1)} ms`);
  for (const [k, v] of Object.entries(rest)) parts.push(`${k}=${fieldText(v)}`);
  const stack = (err as { stack?: string } | undefined)?.stack;
  return `${parts.join(' ')}${stack ? `\n  ${stack.replaceAll('\n', '\n  ')}` : ''}\n`;
}

export class Log {
  #sink: LogSink;
  #min: number;
  readonly #base = `"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;

  constructor(sink: LogSink, level: LogLevel = 'info') {
    this.#sink = sink;
    this.#min = level === 'silent' ? Number.POSITIVE_INFINITY : LEVELS[level];
  }

  /** Points this logger elsewhere (serve: stdout) or changes its level (the config's logLevel). */
  configure(o: { sink?: LogSink; level?: LogLevel }): void {
    if (o.sink) this.#sink = o.sink;
    if (o.level) this.#min = o.level === 'silent' ? Number.POSITIVE_INFINITY : LEVELS[o.level];
  }

  #write(level: number, msg: string, fields?: Record<string, unknown>, always = false): void {
    if (level < this.#min && !always) return;
    let extra = '';
    for (const [k, v] of Object.entries(fields ?? {})) {
      const value = v instanceof Error ? { type: v.name, message: v.message, stack: v.stack } : v;
      extra += `,${JSON.stringify(k)}:${JSON.stringify(value)}`;
    }
    this.#sink.write(
      `{"level":${level},"time":${Date.now()},${this.#base}${extra},"msg":${JSON.stringify(msg)}}\n`,
    );
  }

  /**
   * A command's announcement to whoever started it (where `serve` listens, the setup link): an
   * info record written whatever the level, as these lines were before there was a log format.
   */
  announce(msg: string, fields?: Record<string, unknown>): void {
    this.#write(LEVELS.info, msg, fields, true);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.#write(LEVELS.info, msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.#write(LEVELS.warn, msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.#write(LEVELS.error, msg, fields);
  }
}

/** The process's logger (see the top of this file). */
export const log = new Log(logDestination(process.stderr));
