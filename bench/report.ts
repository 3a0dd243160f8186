/**
 * Bench reports: bench/results/<name>-<timestamp>.json (history), <name>-latest.json and a short
 * <name>-latest.md table. Every metric carries its baseline from the same run, because on a
 * shared 2-core machine only the ratio is comparable between runs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR } from './common.ts';

export interface Metric {
  metric: string;
  unit: string;
  paperboy: number | null;
  baseline: number | null;
  /** paperboy / baseline; computed when omitted. */
  ratio?: number | null;
  /** Human-readable target, e.g. "≥ 8000/s and ratio ≥ 0.70"; "" for information only. */
  target: string;
  /** null: no target (information only) or not measurable. */
  pass: boolean | null;
}

export interface Report {
  name: string;
  params: Record<string, unknown>;
  metrics: Metric[];
  details?: Record<string, unknown>;
}

function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
    // The machine is shared: the load at the start of a run explains outliers.
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const fmt = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x)
    ? '—'
    : Math.abs(x) >= 100
      ? Math.round(x).toLocaleString('en')
      : String(Math.round(x * 100) / 100);

function toMarkdown(r: Report, machine: Record<string, unknown>): string {
  const rows = r.metrics.map((m) => {
    const pass = m.pass === null ? '—' : m.pass ? 'pass' : '**FAIL**';
    return `| ${m.metric} (${m.unit}) | ${fmt(m.paperboy)} | ${fmt(m.baseline)} | ${fmt(m.ratio)} | ${m.target || '—'} | ${pass} |`;
  });
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return [
    `# bench: ${r.name}`,
    '',
    `${machine.date} · node ${machine.node} · ${machine.cpus} × ${machine.cpuModel} · load ${String(machine.loadAverage)} · ${params}`,
    '',
    '| metric | paperboy | baseline | ratio | target | result |',
    '|---|---:|---:|---:|---|---|',
    ...rows,
    '',
  ].join('\n');
}

export async function writeReport(r: Report): Promise<{ json: string; md: string; markdown: string }> {
  for (const m of r.metrics) {
    if (m.ratio === undefined) {
      m.ratio =
        m.paperboy !== null && m.baseline !== null && m.baseline !== 0 ? m.paperboy / m.baseline : null;
    }
  }
  const machine = machineInfo();
  const dir = path.join(BENCH_DIR, 'results');
  await mkdir(dir, { recursive: true });
  const stamp = String(machine.date)
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const body = `${JSON.stringify({ ...r, machine }, null, 2)}\n`;
  const json = path.join(dir, `${r.name}-${stamp}.json`);
  const markdown = toMarkdown(r, machine);
  const md = path.join(dir, `${r.name}-latest.md`);
  await writeFile(json, body);
  await writeFile(path.join(dir, `${r.name}-latest.json`), body);
  await writeFile(md, markdown);
  return { json, md, markdown };
}
