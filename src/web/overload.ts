/**
 * Overload protection for the whole server (issue 12): @fastify/under-pressure samples the event
 * loop delay and the heap; above a threshold every request is refused at once with 503 and
 * Retry-After (before any session lookup or database work), in the site's error format, instead
 * of queueing behind whatever is stalling the process. `/health` is let through and says so.
 */
import { getHeapStatistics } from 'node:v8';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import { DomainError } from '../errors.ts';

/** Answered 503 by app.ts's error handler (a DomainError), with `Retry-After`. */
export class OverloadedError extends DomainError {
  override name = 'OverloadedError';
  retryAfterSeconds = 10;
}

function heapLimitBytes(config: Config): number {
  return config.overloadMaxHeapUsedMb > 0
    ? config.overloadMaxHeapUsedMb * 1024 * 1024
    : Math.floor(getHeapStatistics().heap_size_limit * 0.9);
}

export async function registerOverload(app: FastifyInstance, config: Config): Promise<void> {
  const retryAfter = config.overloadRetryAfterSeconds;
  class Overloaded extends OverloadedError {
    constructor() {
      super(`The server is overloaded right now; try again in ${retryAfter} seconds.`);
      this.retryAfterSeconds = retryAfter;
    }
  }
  await app.register(underPressure, {
    maxEventLoopDelay: config.overloadMaxEventLoopDelayMs,
    maxHeapUsedBytes: heapLimitBytes(config),
    sampleInterval: config.overloadSampleIntervalMs,
    retryAfter,
    customError: Overloaded,
  });
}

/** What /health reports about load; `overloaded` answers it with 503. */
export function loadStatus(app: FastifyInstance, config: Config) {
  const m = app.memoryUsage();
  // A loop blocked for a whole sample interval leaves the delay histogram empty, which
  // under-pressure reads as an infinite delay (and JSON would print as null): report the interval
  // it was at least blocked for.
  const delay = Number.isFinite(m.eventLoopDelay) ? m.eventLoopDelay : config.overloadSampleIntervalMs;
  return {
    overloaded: app.isUnderPressure(),
    eventLoopDelayMs: Math.round(delay),
    heapUsedMb: Math.round(m.heapUsed / 1024 / 1024),
    retryAfterSeconds: config.overloadRetryAfterSeconds,
  };
}
