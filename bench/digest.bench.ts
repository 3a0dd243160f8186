/**
 * `npm run bench -- digest [--count PAPERS] [--subscribers N] [--send M] [--seed S]`
 *
 * Compose: N subscribers (default 10,000) with varied interests (categories, keyword queries,
 * authors, none) over a generated archive of PAPERS (default 1,000,000) spread over 400 days; the
 * slot's candidate window is taken from it as the database range query would return it, then every
 * subscriber's digest is composed and rendered (HTML + text). Target: all in ≤ 60 s.
 *
 * Send: M digests (default 2,000) through the outbox (SQLite ledger, leased claims, status re-check,
 * mark-sent per message) to a local SMTP server, against a bare nodemailer pool sending the same
 * messages to the same server in the same run. Target: ≥ 80 % of the bare rate.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { loadConfig } from '../src/config/config.ts';
import { SqliteStore } from '../src/db/sqlite.store.ts';
import { buildIndex, parseInterests } from '../src/digest/interests.ts';
import { digestLinks, digestMessageId } from '../src/digest/links.ts';
import { createMailer, toComposerOptions } from '../src/digest/mailer.ts';
import { earliestCandidate, expiresAt, slotOn } from '../src/digest/period.ts';
import { composeFor, type PeriodData } from '../src/digest/plan.ts';
import { DigestSender } from '../src/digest/send.ts';
import { renderDigest } from '../src/digest/template.ts';
import type { CandidatePaper, PlannedDigest, Subscriber } from '../src/digest/types.ts';
import { startSmtpServer } from '../test/support/smtp-server.ts';
import { ROOT } from './common.ts';
import { int, mulberry32, pick } from './corpus/prng.ts';
import { type Metric, writeReport } from './report.ts';

const CATS = [
  'cs.LG',
  'cs.CV',
  'cs.CL',
  'cs.AI',
  'stat.ML',
  'cs.RO',
  'quant-ph',
  'math.OC',
  'eess.SP',
  'q-bio.NC',
  'hep-th',
  'astro-ph.GA',
];
const WORDS =
  'diffusion transformer graph neural reinforcement policy protein language model quantum error correction attention kernel sparse robust federated causal inference vision segmentation retrieval benchmark optimization bayesian'.split(
    ' ',
  );
const SURNAMES = [
  'Hinton',
  'Bengio',
  'LeCun',
  'Schmidhuber',
  'Sutskever',
  'Goodfellow',
  'Karpathy',
  'Li',
  'Wang',
  'Zhang',
  'Smith',
  'Müller',
  'Garcia',
  'Kim',
  'Chen',
];
const DAY = 86_400_000;

function paperAt(rng: () => number, i: number, t: number): CandidatePaper {
  const w = () => pick(rng, WORDS);
  return {
    arxivId: `${2400 + Math.floor(i / 99_999)}.${String(i % 99_999).padStart(5, '0')}`,
    title: `${w()} ${w()} for ${w()} ${w()}`,
    abstract: Array.from({ length: 40 }, w).join(' '),
    authors: Array.from(
      { length: 1 + int(rng, 5) },
      () => `${String.fromCharCode(65 + int(rng, 26))}. ${pick(rng, SURNAMES)}`,
    ),
    categories: [pick(rng, CATS), ...(rng() < 0.4 ? [pick(rng, CATS)] : [])],
    submittedAt: new Date(t).toISOString(),
  };
}

function subscriberAt(rng: () => number, id: number): Subscriber {
  const r = rng();
  return {
    id,
    email: `s${id}@bench.example`,
    status: 'confirmed',
    frequency: rng() < 0.8 ? 'daily' : 'weekly',
    weekday: 3,
    paperCount: 5 + int(rng, 46),
    interests: {
      categories: r < 0.6 ? Array.from({ length: 1 + int(rng, 3) }, () => pick(rng, CATS)) : [],
      keywords:
        r > 0.3
          ? Array.from({ length: 1 + int(rng, 2) }, () =>
              rng() < 0.3
                ? `"${pick(rng, WORDS)} ${pick(rng, WORDS)}"`
                : `${pick(rng, WORDS)} -${pick(rng, WORDS)}`,
            )
          : [],
      authors: r > 0.7 ? [pick(rng, SURNAMES)] : [],
    },
    userId: null,
    createdAt: '',
    confirmedAt: '',
    unsubscribedAt: null,
    confirmExpiresAt: null,
    softBounces: 0,
    lastDigestAt: null,
  };
}

export async function run(argv: string[]): Promise<Metric[]> {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      count: { type: 'string' },
      subscribers: { type: 'string' },
      send: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const count = Number(values.count ?? 1_000_000);
  const subscribers = Number(values.subscribers ?? 10_000);
  const sendN = Number(values.send ?? 2000);
  const rng = mulberry32(Number(values.seed ?? 42));
  const slot = slotOn('2026-01-07', '06:00', 'UTC');
  const span = 400 * DAY;
  const from = earliestCandidate(slot);

  // The archive, generated in order of submission; only the slot's window is kept, as the range
  // query over papers_submitted returns it (the rest costs nothing at compose time).
  const t0 = performance.now();
  const candidates: CandidatePaper[] = [];
  for (let i = 0; i < count; i++) {
    const t = slot.at - span + (i / count) * span;
    if (t >= from && t < slot.at) candidates.push(paperAt(rng, i, t));
    else rng();
  }
  const genMs = performance.now() - t0;
  const papers = new Map(candidates.map((p) => [p.arxivId, p]));
  const highlights = candidates
    .filter((_, i) => i % 40 === 0)
    .map((p, i) => ({
      arxivId: p.arxivId,
      score: 100 - i * 0.1,
      upvotes: int(rng, 200),
      day: p.submittedAt.slice(0, 10),
    }));
  const subs = Array.from({ length: subscribers }, (_, i) => subscriberAt(rng, i + 1));
  const config = loadConfig({
    env: {},
    flags: {
      data: path.join(ROOT, 'bench', 'work', 'digest'),
      baseUrl: 'https://paperboy.test',
      logLevel: 'silent',
      smtpPoolSize: 5,
    },
  });
  const secret = 'b'.repeat(40);

  process.stderr.write(
    `digest: ${count} papers → ${candidates.length} candidates in the window (generated in ${(genMs / 1000).toFixed(1)} s); composing for ${subscribers} subscribers\n`,
  );
  const c0 = performance.now();
  const data: PeriodData = { index: buildIndex(candidates), papers, highlights };
  const rendered: {
    s: Subscriber;
    mail: ReturnType<typeof renderDigest>;
    papers: string[];
    period: string;
  }[] = [];
  for (const s of subs) {
    const d = composeFor({
      subscriber: s,
      interests: parseInterests(s.interests),
      slot,
      data,
      alreadySent: new Set(),
      sendEmpty: false,
    });
    if (!d) continue;
    rendered.push({
      s,
      mail: renderDigest(d, digestLinks({ baseUrl: config.baseUrl!, secret }, s, d.period.key), 'paperboy'),
      papers: d.items.map((i) => i.paper.arxivId),
      period: d.period.key,
    });
  }
  const composeS = (performance.now() - c0) / 1000;
  process.stderr.write(`digest: composed ${rendered.length} digests in ${composeS.toFixed(1)} s\n`);

  // Send: bare nodemailer pool vs the outbox, same messages, same server.
  const smtp = await startSmtpServer();
  const batch = rendered.slice(0, sendN);
  const messages = batch.map((r) =>
    toComposerOptions(
      {
        to: r.s.email,
        subject: r.mail.subject,
        text: r.mail.text,
        html: r.mail.html,
        messageId: digestMessageId(secret, r.s.id, r.period, config.mailFrom),
      },
      config.mailFrom,
    ),
  );
  const bare = nodemailer.createTransport({
    url: smtp.url,
    pool: true,
    maxConnections: config.smtpPoolSize,
    maxMessages: 500,
  });
  const b0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: config.smtpPoolSize }, async () => {
      while (next < messages.length) await bare.sendMail(messages[next++]!);
    }),
  );
  const bareRate = messages.length / ((performance.now() - b0) / 1000);
  bare.close();

  const dir = path.join(ROOT, 'bench', 'work', `digest-send-${process.pid}`);
  const store = new SqliteStore(path.join(dir, 'paperboy.db'));
  const sendConfig = loadConfig({
    env: {},
    flags: {
      data: dir,
      baseUrl: 'https://paperboy.test',
      logLevel: 'silent',
      smtpUrl: smtp.url,
      smtpPoolSize: config.smtpPoolSize,
      tokenSecret: secret,
    },
  });
  const planned: PlannedDigest[] = [];
  for (const r of batch) {
    const { subscriber } = await store.digest.requestSubscription(
      r.s.email,
      r.s,
      Date.now(),
      Date.now() + DAY,
    );
    await store.digest.confirm(subscriber.id, Date.now());
    planned.push({
      subscriberId: subscriber.id,
      period: r.period,
      runId: null,
      messageId: digestMessageId(secret, subscriber.id, r.period, config.mailFrom),
      subject: r.mail.subject,
      text: r.mail.text,
      html: r.mail.html,
      papers: r.papers,
      slot: Date.now(),
      expiresAt: Date.now() + DAY,
    });
  }
  for (let i = 0; i < planned.length; i += 500)
    await store.digest.plan(planned.slice(i, i + 500), Date.now());
  const mailer = createMailer(sendConfig);
  const before = smtp.received.length;
  const s0 = performance.now();
  const counts = await new DigestSender({ store, config: sendConfig, mailer, holder: 'bench' }).drain();
  const outboxRate = counts.sent / ((performance.now() - s0) / 1000);
  await mailer.close();
  await store.close();
  await smtp.stop();
  rmSync(dir, { recursive: true, force: true });
  if (smtp.received.length - before !== batch.length)
    throw new Error(`outbox sent ${smtp.received.length - before} of ${batch.length}`);

  const metrics: Metric[] = [
    {
      metric: `compose + render all (${subscribers} subscribers, ${count} papers)`,
      unit: 's',
      paperboy: composeS,
      baseline: null,
      target: '≤ 60 s',
      pass: composeS <= 60,
    },
    {
      metric: `send via outbox vs bare nodemailer (${batch.length} messages)`,
      unit: 'msg/s',
      paperboy: outboxRate,
      baseline: bareRate,
      ratio: outboxRate / bareRate,
      target: 'ratio ≥ 0.80',
      pass: outboxRate / bareRate >= 0.8,
    },
  ];
  const { markdown } = await writeReport({
    name: 'digest',
    params: {
      count,
      subscribers,
      send: batch.length,
      candidates: candidates.length,
      composed: rendered.length,
    },
    metrics,
  });
  process.stderr.write(`${markdown}\n`);
  return metrics;
}
