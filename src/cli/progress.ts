/**
 * Progress for long jobs: a bar on a terminal, periodic log records otherwise (logs, CI, pipes,
 * `TERM=dumb`), so a multi-hour import never looks hung and never floods a log file. Terminal
 * control codes (`\r`, `ESC[K`, the bar's redraws) are written only where the stream is a
 * terminal; messages printed while progress runs go through `line()` for that reason.
 */
import cliProgress from 'cli-progress';
import { isTerminal, log } from '../shared/log.ts';

export interface Progress {
  update(done: number, total: number, detail: string): void;
  /** One message line (an issue, a rejected record) between progress updates. */
  line(text: string): void;
  stop(): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (isTerminal(stream)) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {detail} | eta {eta_formatted}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    let counterShown = false;
    return {
      update(done, total, detail) {
        // Unknown total (an OAI-PMH listing does not say how long it is): a counter line, not a bar.
        if (total <= 0 && !started) {
          stream.write(`\r\x1b[K${label}: ${detail}`);
          counterShown = true;
          return;
        }
        if (!started) {
          bar.start(total, done, { detail });
          started = true;
        } else bar.update(done, { detail });
      },
      // Clears the counter or bar on the current line; the bar redraws at its next update.
      line: (text) => {
        stream.write(`\r\x1b[K${text}\n`);
      },
      stop: () => {
        if (started) bar.stop();
        else if (counterShown) stream.write('\n');
      },
    };
  }
  // Off a terminal, progress is log records (src/shared/log.ts: JSON lines, the service's one
  // format). Message lines (`file:line: rejected: …`) stay plain text: they are the command's
  // report on its input, in the form editors and grep read, not the process's log.
  const everyMs = 5000;
  let last = 0;
  let lastDetail = '';
  return {
    update(done, total, detail) {
      lastDetail = detail;
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      const pct = total > 0 ? `${((100 * done) / total).toFixed(1)}% ` : '';
      log.info(`${label}: ${pct}${detail}`, total > 0 ? { done, total } : { done });
    },
    line(text) {
      stream.write(`${text}\n`);
    },
    stop() {
      if (lastDetail) log.info(`${label}: done ${lastDetail}`);
    },
  };
}
