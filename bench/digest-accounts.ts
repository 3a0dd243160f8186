/**
 * The personal digest bench's readers (issue 14 item 6, `digest --personal`): every subscriber
 * address becomes a verified account with 20 saved papers and 5 follows, through the same
 * repository calls the site makes. Saved papers are older papers of one topic's primary category
 * (before the digest's widest window, as a library is built over time); the follows are two authors
 * who publish in that category in the window, the category itself and two searches in the topic's
 * words.
 */
import type { SqliteStore } from '../src/app/sqlite.store.ts';
import { ForYouService } from '../src/foryou/service.ts';
import type { CandidatePaper } from '../src/search/match.ts';
import { int, pick } from './corpus/prng.ts';
import type { World } from './corpus/world.ts';

const SAVED = 20;
const EMAIL = /@bench\.example$/;

/** Forgets the accounts of an earlier run (their collections and follows go with them). */
export function dropBenchAccounts(store: SqliteStore): void {
  store.db.exec("DELETE FROM users WHERE email LIKE '%@bench.example'");
}

export async function seedAccounts(
  store: SqliteStore,
  o: {
    rng: () => number;
    world: World;
    emails: string[];
    /** Papers before the digest's window (the pool saved papers come from). */
    older: readonly CandidatePaper[];
    /** Papers of the window (authors to follow come from). */
    recent: readonly CandidatePaper[];
    now: string;
  },
): Promise<void> {
  const byCategory = (papers: readonly CandidatePaper[]) => {
    const m = new Map<string, CandidatePaper[]>();
    for (const p of papers) {
      const list = m.get(p.categories[0]!);
      if (list) list.push(p);
      else m.set(p.categories[0]!, [p]);
    }
    return m;
  };
  const older = byCategory(o.older);
  const recent = byCategory(o.recent);
  const topics = o.world.topics.filter(
    (t) => (older.get(t.primary)?.length ?? 0) >= SAVED && (recent.get(t.primary)?.length ?? 0) > 0,
  );
  if (topics.length === 0) throw new Error('no topic has enough papers to save');
  for (const [k, email] of o.emails.entries()) {
    if (!EMAIL.test(email)) throw new Error(`not a bench address: ${email}`);
    const user = (await store.users.create({ email, name: `bench${k}`, passwordHash: 'x', now: o.now }))!;
    await store.users.markVerified(user.id, o.now);
    const topic = topics[int(o.rng, topics.length)]!;
    const pool = older.get(topic.primary)!;
    const saved = new Set<string>();
    while (saved.size < SAVED) saved.add(pool[int(o.rng, pool.length)]!.arxivId);
    const collection = await store.library.ensureDefault(user.id, 'Saved', o.now);
    await store.library.addArxivIds(collection.id, user.id, [...saved], o.now);
    const word = () => o.world.vocab[topic.words[int(o.rng, Math.min(15, topic.words.length))]!]!;
    const authored = recent.get(topic.primary)!;
    const follows: [string, string][] = [
      ['author', pick(o.rng, pick(o.rng, authored).authors)],
      ['author', pick(o.rng, pick(o.rng, authored).authors)],
      ['category', topic.primary],
      ['search', word()],
      ['search', `${word()} ${word()}`],
    ];
    for (const [kind, value] of follows)
      await store.forYou.follow(user.id, ForYouService.normalize(kind, value), o.now);
  }
}
