/**
 * `npm run bench -- [bench...] [--count N] [--seed S] [--strict]`
 * With no bench named, runs `import` then `keyword`. A bench is a module exporting
 * `run(argv): Promise<Metric[]>`; register one by adding a line to BENCHES.
 */
import type { Metric } from './report.ts';

type Bench = (argv: string[]) => Promise<Metric[]>;

// Loaded lazily so a bench whose src/ modules are unfinished does not break the others.
const BENCHES: Record<string, () => Promise<Bench>> = {
  import: async () => (await import('./import.bench.ts')).run,
  keyword: async () => (await import('./keyword.bench.ts')).run,
  harvest: async () => (await import('./harvest.bench.ts')).run,
  digest: async () => (await import('./digest.bench.ts')).run,
  http: async () => (await import('./http.bench.ts')).run,
  'search-quality': async () => (await import('./search-quality.bench.ts')).run,
  search: async () => (await import('./search.bench.ts')).run,
  dialect: async () => (await import('./dialect.bench.ts')).run,
  'search-hostile': async () => (await import('./search-hostile.bench.ts')).run,
  'foryou-quality': async () => (await import('./foryou-quality.bench.ts')).run,
  'foryou-http': async () => (await import('./foryou-http.bench.ts')).run,
  'real-vocab': async () => (await import('./real-vocab.bench.ts')).run,
  alerts: async () => (await import('./alerts.bench.ts')).run,
  webhooks: async () => (await import('./webhooks.bench.ts')).run,
  upkeep: async () => (await import('./upkeep.bench.ts')).run,
};
const DEFAULT = ['import', 'keyword'];

async function main(argv: string[]): Promise<number> {
  const names: string[] = [];
  let i = 0;
  for (; i < argv.length && !argv[i]!.startsWith('-'); i++) names.push(argv[i]!);
  const flags = argv.slice(i);
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write(
      `usage: node bench/main.ts [${Object.keys(BENCHES).join('|')} ...] [--count N] [--seed S] [--strict]\n`,
    );
    return 0;
  }
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length) {
    process.stderr.write(
      `unknown bench: ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})\n`,
    );
    return 2;
  }
  let failed = false;
  for (const name of names.length ? names : DEFAULT) {
    process.stderr.write(`\n== bench ${name} ==\n`);
    const metrics = await (await BENCHES[name]!())(flags);
    if (metrics.some((m) => m.pass === false)) failed = true;
  }
  // Targets are reported, not enforced, unless asked: a noisy machine should not break a pipeline.
  return failed && flags.includes('--strict') ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
