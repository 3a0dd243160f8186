/**
 * Progress for long jobs: a bar on a terminal, periodic count lines otherwise (logs, CI), so a
 * multi-hour import never looks hung and never floods a log file.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, detail: string): void;
  stop(): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
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
      stop: () => {
        if (started) bar.stop();
        else if (counterShown) stream.write('\n');
      },
    };
  }
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
      stream.write(`${label}: ${pct}${detail}\n`);
    },
    stop() {
      if (lastDetail) stream.write(`${label}: done ${lastDetail}\n`);
    },
  };
}
