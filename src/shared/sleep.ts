/**
 * The one sleep. Abortable, and an abort rejects with the signal's reason (as `signal.throwIfAborted()`
 * and Node's `timers/promises` do): a caller that was told to stop cannot mistake the stop for the
 * wait having run out. Callers that end a loop on abort catch it where they check the signal.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves on the event loop's next turn (after pending I/O): long synchronous work split into
 * slices awaits this between them, so requests arriving meanwhile are served in between.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
