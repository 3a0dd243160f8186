/**
 * `npm run bench -- digest [--count PAPERS] [--subscribers N] [--seed S] [--pool P] [--rounds R] [--personal]`
 *
 * The archive: the cached generated corpus (default 1,000,000 papers) imported by paperboy's own
 * importer into /tmp/paperboy-bench-digest/<count>-s<seed>/ (built once, reused by later runs;
 * each run clears only the digest tables). N confirmed subscribers (default 10,000) get varied
 * interests drawn from the corpus's own vocabulary, categories and author names, and a few papers
 * a day are featured, as a daily-papers import would.
 *
 * Compose: `planDigests` exactly as the scheduler runs it — candidates and highlights read from
 * the database, every subscriber composed and rendered, the outbox written. Target: ≤ 60 s.
 *
 * Send: every planned digest, to a real SMTP server (`smtp-server`, in its own process). The
 * baseline is a bare nodemailer loop: the same transport options (pool of P connections), P
 * sends in flight, the very same messages (headers, envelope, Message-ID, bodies as the stored
 * UTF-8 bytes) built beforehand; the two sides alternate in R interleaved rounds (default 20) over
 * the same slices of messages. paperboy: `DigestSender.drain()` over the outbox — leased claims, bodies read
 * from the database, status and suppression re-read per message, every result recorded.
 * Target: paperboy ≥ 80 % of the bare rate, same run, same server.
 *
 * `--personal` (issue 14 item 6): every subscriber address is also a verified account with 20
 * saved papers and 5 follows (digest-accounts.ts), so every digest is personal. The run composes
 * twice over the same outbox state: first without For you (the baseline: today's digests), then
 * with it, as the scheduler does; it reports both and skips the send part. Target: ≤ 120 s at
 * 10,000 accounts over 1M papers.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { createForYou } from '../src/app/foryou.ts';
import { sqliteFile } from '../src/app/open.ts';
import { SqliteStore } from '../src/app/sqlite.store.ts';
import { loadConfig } from '../src/config/config.ts';
import { toComposerOptions } from '../src/digest/mail.ts';
import { SmtpMailer, smtpOptions } from '../src/digest/mailer.smtp.ts';
import { DAY_MS, earliestCandidate, slotOn } from '../src/digest/period.ts';
import { planDigests } from '../src/digest/plan.ts';
import { DigestSender, digestMessage } from '../src/digest/send.ts';
import type { Interests } from '../src/search/match.ts';
import { BENCH_DIR, importedDataDir } from './common.ts';
import { int, mulberry32, pick } from './corpus/prng.ts';
import { getWorld, type World } from './corpus/world.ts';
import { dropBenchAccounts, seedAccounts } from './digest-accounts.ts';
import { type Metric, writeReport } from './report.ts';

const SECRET = 'bench-digest-secret-'.padEnd(40, 'x');
const FEATURED_PER_DAY = 20;

/** paperboy's importer (the real CLI, in a child) fills the archive once per (count, seed). */
export function ensureArchive(count: number, seed: number): Promise<string> {
  const root = path.join('/tmp', 'paperboy-bench-digest', `${count}-s${seed}`);
  return importedDataDir({
    count,
    seed,
    root,
    dataDir: path.join(root, 'data'),
    marker: path.join(root, 'imported.json'),
  });
}

/** Interests as people type them: a field's categories, its words, phrases, exclusions, authors. */
export function interestsAt(rng: () => number, w: World): Interests {
  const topic = w.topics[int(rng, w.topics.length)]!;
  const word = () => w.vocab[topic.words[int(rng, Math.min(15, topic.words.length))]!]!;
  const r = rng();
  const categories =
    r < 0.6
      ? [topic.primary, ...(rng() < 0.3 && topic.siblings.length ? [pick(rng, topic.siblings)] : [])]
      : [];
  const keywords: string[] = [];
  if (r > 0.3 && r < 0.95) {
    for (let k = 1 + int(rng, 2); k > 0; k--) {
      const f = rng();
      const concept = topic.concept >= 0 ? w.concepts[topic.concept]! : null;
      keywords.push(
        f < 0.35
          ? word()
          : f < 0.55
            ? `${word()} ${word()}`
            : f < 0.7 && concept
              ? `"${pick(rng, concept.variants)}"`
              : f < 0.85
                ? `${word()} -${word()}`
                : `${word()} OR ${word()}`,
      );
    }
  }
  const authors = r > 0.75 ? [w.lastNames[int(rng, w.realLastNames)]![1]] : [];
  return { categories, keywords, authors };
}

function startSmtpChild(): Promise<{ child: ChildProcess; port: number; count(): Promise<number> }> {
  const child = fork(path.join(BENCH_DIR, 'digest-smtp.ts'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const count = () =>
    new Promise<number>((resolve) => {
      const on = (m: { received?: number }) => {
        if (m.received === undefined) return;
        child.off('message', on);
        resolve(m.received);
      };
      child.on('message', on);
      child.send('count');
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port, count }));
  });
}

export async function run(argv: string[]): Promise<Metric[]> {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      count: { type: 'string' },
      subscribers: { type: 'string' },
      seed: { type: 'string' },
      pool: { type: 'string' },
      rounds: { type: 'string' },
      personal: { type: 'boolean' },
    },
  });
  const personal = values.personal === true;
  const count = Number(values.count ?? 1_000_000);
  const subscribers = Number(values.subscribers ?? 10_000);
  const seed = Number(values.seed ?? 42);
  const pool = Number(values.pool ?? 5);
  const rounds = Number(values.rounds ?? 20);
  const rng = mulberry32(seed);
  const data = await ensureArchive(count, seed);
  const store = new SqliteStore(sqliteFile(data));

  // A fresh digest state on the cached archive.
  store.db.exec(`DELETE FROM digest_items; DELETE FROM digest_outbox; DELETE FROM digest_runs;
    DELETE FROM digest_bounces; DELETE FROM subscriber_consents; DELETE FROM digest_suppressions;
    DELETE FROM digest_rate; DELETE FROM subscribers;`);
  dropBenchAccounts(store);

  // The slot: a weekday three days before the newest paper, so every window is full.
  const newest = (await store.papers.latest(1, 0))[0];
  if (!newest) throw new Error('the archive is empty');
  let day = Date.parse(`${newest.submittedAt.slice(0, 10)}T00:00:00Z`) - 3 * DAY_MS;
  while ([0, 6].includes(new Date(day).getUTCDay())) day -= DAY_MS;
  const slot = slotOn(new Date(day).toISOString().slice(0, 10), '06:00', 'UTC');
  // The run happens an hour after its slot (digests expire at the end of their period).
  const offset = Date.now() - (slot.at + 3_600_000);
  const clock = () => Date.now() - offset;

  const config = loadConfig({
    env: {},
    flags: {
      data,
      baseUrl: 'https://paperboy.test',
      logLevel: 'silent',
      tokenSecret: SECRET,
      smtpPoolSize: pool,
      mailBounceAddress: 'bounces@paperboy.test',
      mailVerp: true,
    },
  });

  // Highlights: a daily-papers import features papers of the previous days, as the real one does.
  const window = await store.digest.candidatePapers(
    new Date(earliestCandidate(slot) - 3 * DAY_MS).toISOString(),
    new Date(slot.at).toISOString(),
    100_000,
  );
  let featured = 0;
  for (let t = slot.at - 8 * DAY_MS; t <= slot.at; t += DAY_MS) {
    const d = new Date(t).toISOString().slice(0, 10);
    const recent = window.filter(
      (p) => p.submittedAt < `${d}T00:00:00Z` && Date.parse(p.submittedAt) >= t - 4 * DAY_MS,
    );
    for (let k = 0; k < FEATURED_PER_DAY && recent.length > 0; k++) {
      const p = recent[int(rng, recent.length)]!;
      await store.papers.feature({
        arxivId: p.arxivId,
        day: d,
        source: 'import',
        submittedBy: null,
        importedUpvotes: 1 + int(rng, 300),
      });
      featured++;
    }
  }

  // Subscribers: 80 % daily, 20 % weekly on the slot's weekday (all due, as the target says).
  const world = getWorld();
  const t0 = clock();
  for (let i = 1; i <= subscribers; i++) {
    const { subscriber } = await store.digest.requestSubscription(
      `reader${i}@bench.example`,
      {
        frequency: rng() < 0.8 ? 'daily' : 'weekly',
        weekday: slot.weekday,
        paperCount: 5 + int(rng, 46),
        interests: interestsAt(rng, world),
      },
      t0,
      t0 + DAY_MS,
    );
    await store.digest.confirm(subscriber.id, t0);
  }
  const inWindow = window.filter((p) => Date.parse(p.submittedAt) >= earliestCandidate(slot)).length;
  process.stderr.write(
    `digest: slot ${slot.day}, ${inWindow} candidate papers in the widest window, ${featured} featurings; composing for ${subscribers} subscribers\n`,
  );

  if (personal) {
    const a0 = performance.now();
    const older = await store.digest.candidatePapers(
      new Date(earliestCandidate(slot) - 60 * DAY_MS).toISOString(),
      new Date(earliestCandidate(slot)).toISOString(),
      200_000,
    );
    const emails = Array.from({ length: subscribers }, (_, i) => `reader${i + 1}@bench.example`);
    await seedAccounts(store, { rng, world, emails, older, recent: window, now: new Date(t0).toISOString() });
    process.stderr.write(
      `digest: ${subscribers} accounts (20 saved, 5 follows each) made in ${((performance.now() - a0) / 1000).toFixed(1)} s\n`,
    );
  }

  const c0 = performance.now();
  const plan = await planDigests(store, config, { slot, runId: null, now: clock() });
  const composeS = (performance.now() - c0) / 1000;
  process.stderr.write(
    `digest: planned ${plan.planned} (${plan.skippedEmpty} empty) in ${composeS.toFixed(1)} s\n`,
  );
  if (personal) return personalRun(store, config, { slot, clock, count, subscribers, composeS, plan });

  // Send. The same messages, built once for the bare loop as the sender builds them.
  const smtp = await startSmtpChild();
  const sendConfig = loadConfig({
    env: {},
    flags: { ...flagsOf(config), smtpUrl: `smtp://127.0.0.1:${smtp.port}` },
  });
  const ids = (store.db.prepare('SELECT id FROM digest_outbox ORDER BY id').all() as { id: number }[]).map(
    (r) => r.id,
  );
  const messages: ReturnType<typeof toComposerOptions>[] = [];
  for (const id of ids) {
    const row = (await store.digest.outbox(id))!;
    const sub = (await store.digest.subscriber(row.subscriberId))!;
    // The parts as the sender gets them from a claim: the stored UTF-8 bytes.
    const parts = { ...row, text: Buffer.from(row.text), html: Buffer.from(row.html) };
    messages.push(toComposerOptions(digestMessage(sendConfig, SECRET, sub, parts), sendConfig.mailFrom));
  }
  // One pooled transport for every round, as the outbox side keeps its mailer: neither pays
  // connection setup per round.
  const transport = nodemailer.createTransport(smtpOptions(sendConfig));
  const bareLoop = async (list: typeof messages) => {
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: pool }, async () => {
        while (next < list.length) await transport.sendMail(list[next++]!);
      }),
    );
    return (performance.now() - t) / 1000;
  };
  await bareLoop(messages.slice(0, 300)); // warm-up, both sides then run warm code

  // Interleaved rounds: this machine is shared, so the two sides alternate over slices of the
  // same messages (the order flipped every round) and each side's time is the sum of its rounds;
  // a burst of other work then falls on both alike, not on whichever ran second. The outbox side
  // sends only the round's rows: the others are parked (their retry time in the future) between
  // rounds, which changes nothing of what the sender does per row.
  const PARKED = Number.MAX_SAFE_INTEGER;
  store.db.prepare("UPDATE digest_outbox SET next_attempt_at = ? WHERE status = 'pending'").run(PARKED);
  const release = store.db.prepare(
    "UPDATE digest_outbox SET next_attempt_at = 0 WHERE status = 'pending' AND id >= ? AND id <= ?",
  );
  const mailer = new SmtpMailer(sendConfig);
  const sender = new DigestSender({ store, config: sendConfig, mailer, holder: 'bench', now: clock });
  const per = Math.ceil(ids.length / rounds);
  let bareS = 0;
  let sendS = 0;
  const start = await smtp.count();
  for (let r = 0; r < rounds; r++) {
    const slice = ids.slice(r * per, (r + 1) * per);
    if (slice.length === 0) break;
    const bareSide = async () => {
      bareS += await bareLoop(messages.slice(r * per, r * per + slice.length));
    };
    const outboxSide = async () => {
      release.run(slice[0]!, slice.at(-1)!);
      const t = performance.now();
      await sender.drain();
      sendS += (performance.now() - t) / 1000;
    };
    if (r % 2 === 0) {
      await bareSide();
      await outboxSide();
    } else {
      await outboxSide();
      await bareSide();
    }
  }
  await mailer.close();
  transport.close();
  const counts = sender.counts;
  const arrived = (await smtp.count()) - start;
  smtp.child.send('stop');
  await store.close();
  if (counts.sent !== ids.length || arrived !== 2 * ids.length)
    throw new Error(`outbox sent ${counts.sent}, the server got ${arrived} of 2 × ${ids.length}`);
  const bareRate = messages.length / bareS;
  const outboxRate = counts.sent / sendS;
  process.stderr.write(
    `digest: ${rounds} rounds: bare nodemailer ${messages.length} in ${bareS.toFixed(1)} s, outbox ${counts.sent} in ${sendS.toFixed(1)} s\n`,
  );

  const metrics: Metric[] = [
    {
      metric: `compose + render + plan all (${subscribers} subscribers, ${count} papers)`,
      unit: 's',
      paperboy: composeS,
      baseline: null,
      target: '≤ 60 s',
      pass: composeS <= 60 && plan.planned === subscribers,
    },
    {
      metric: `send all via outbox vs bare nodemailer loop (${ids.length} messages, ${pool} connections, ${rounds} interleaved rounds)`,
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
      slot: slot.day,
      candidates: inWindow,
      featured,
      planned: plan.planned,
      sent: counts.sent,
      pool,
    },
    metrics,
  });
  process.stderr.write(`${markdown}\n`);
  return metrics;
}

/** The flags a config was loaded from, for a second config that adds the SMTP URL. */
function flagsOf(c: ReturnType<typeof loadConfig>) {
  return {
    data: c.data,
    baseUrl: c.baseUrl!,
    logLevel: 'silent',
    tokenSecret: SECRET,
    smtpPoolSize: c.smtpPoolSize,
    mailBounceAddress: c.mailBounceAddress!,
    mailVerp: c.mailVerp,
  };
}

/**
 * The personal half of `--personal`: the outbox as it was before the baseline run, then every
 * digest composed again with For you (built as the scheduler builds it, its pools included).
 */
async function personalRun(
  store: SqliteStore,
  config: ReturnType<typeof loadConfig>,
  o: {
    slot: ReturnType<typeof slotOn>;
    clock: () => number;
    count: number;
    subscribers: number;
    composeS: number;
    plan: Awaited<ReturnType<typeof planDigests>>;
  },
): Promise<Metric[]> {
  store.db.exec(
    'DELETE FROM digest_items; DELETE FROM digest_outbox; UPDATE subscribers SET last_digest_at = NULL;',
  );
  const forYou = createForYou(store, config, { waitForVectors: true });
  const p0 = performance.now();
  const plan = await planDigests(store, config, { slot: o.slot, runId: null, now: o.clock(), forYou });
  const personalS = (performance.now() - p0) / 1000;
  const led = (
    store.db
      .prepare(
        "SELECT count(*) AS n FROM digest_bodies WHERE instr(text_body, 'For you' || char(10) || '-------') > 0",
      )
      .get() as { n: number }
  ).n;
  process.stderr.write(
    `digest: personal: planned ${plan.planned} (${led} led by For you, ${plan.skippedEmpty} empty) in ${personalS.toFixed(1)} s\n`,
  );
  await store.close();
  const metrics: Metric[] = [
    {
      metric: `compose + render + plan all, personal (${o.subscribers} accounts with 20 saved and 5 follows, ${o.count} papers) vs the same subscribers without For you`,
      unit: 's',
      paperboy: personalS,
      baseline: o.composeS,
      ratio: personalS / o.composeS,
      target: '≤ 120 s',
      pass: personalS <= 120 && plan.planned === o.subscribers && led > 0,
    },
  ];
  const { markdown } = await writeReport({
    name: 'digest-personal',
    params: {
      count: o.count,
      subscribers: o.subscribers,
      slot: o.slot.day,
      planned: plan.planned,
      ledByForYou: led,
      baselinePlanned: o.plan.planned,
    },
    metrics,
  });
  process.stderr.write(`${markdown}\n`);
  return metrics;
}
