/**
 * `paperboy demo`: loads the generated demo corpus through the ordinary repositories (so it looks
 * and ranks like real data) and marks every record; `--remove` deletes exactly those records.
 */
import { InvalidInputError } from '../errors.ts';
import type { PasswordHasher } from '../users/password.ts';
import { newToken } from '../users/secrets.ts';
import { DEMO_DEFAULTS, type DemoOptions, generateDemo } from './generate.ts';
import type { DemoStore } from './store.ts';

export interface DemoLoadResult {
  papers: number;
  readers: number;
  featured: number;
  votes: number;
  comments: number;
}

const BATCH = 500;

export async function loadDemo(
  store: DemoStore,
  hasher: PasswordHasher,
  options: Partial<DemoOptions> = {},
  progress: (done: number, total: number, what: string) => void = () => {},
): Promise<DemoLoadResult> {
  const existing = await store.firstRun.demoCounts();
  if (existing.papers > 0 || existing.users > 0)
    throw new InvalidInputError(
      `demo data is already loaded (${existing.papers} papers); run \`paperboy demo --remove\` first`,
    );
  const corpus = generateDemo({ ...DEMO_DEFAULTS, now: new Date(), ...options });
  // Never touch a paper that is not ours: anything already in the demo id range is left out.
  const taken = await store.firstRun.idsInDemoRange();
  const papers = corpus.papers.filter((p) => !taken.has(p.arxivId));
  const ours = new Set(papers.map((p) => p.arxivId));
  for (let i = 0; i < papers.length; i += BATCH) {
    const batch = papers.slice(i, i + BATCH);
    await store.papers.upsertMany(batch);
    await store.firstRun.markDemoPapers(batch.map((p) => p.arxivId));
    progress(Math.min(i + BATCH, papers.length), papers.length, 'papers');
  }

  // Demo readers cannot log in: a random password nobody knows, and an address that cannot exist.
  const passwordHash = await hasher.hash(newToken());
  const now = new Date().toISOString();
  const readerIds: number[] = [];
  for (const reader of corpus.readers) {
    const user = await store.users.create({ email: reader.email, name: reader.name, passwordHash, now });
    if (!user) throw new InvalidInputError(`the demo account name ${reader.name} is taken`);
    await store.firstRun.markDemoUsers([user.id]);
    readerIds.push(user.id);
  }

  const paperIds = new Map<string, number>();
  const paperId = async (arxivId: string) => {
    let id = paperIds.get(arxivId);
    if (id === undefined) {
      id = (await store.papers.get(arxivId))!.id;
      paperIds.set(arxivId, id);
    }
    return id;
  };
  let featured = 0;
  for (const f of corpus.featured) {
    if (!ours.has(f.arxivId)) continue;
    const r = await store.papers.feature({
      arxivId: f.arxivId,
      day: f.day,
      at: f.at,
      source: 'submission',
      submittedBy: corpus.readers[f.by]!.name,
      importedUpvotes: 0,
    });
    if (r === 'inserted') featured++;
  }
  progress(featured, featured, 'featured');
  let votes = 0;
  for (const v of corpus.votes) {
    if (!ours.has(v.arxivId)) continue;
    const r = await store.community.setVote(readerIds[v.reader]!, await paperId(v.arxivId), true, v.at);
    if (r.changed) votes++;
  }
  progress(votes, votes, 'votes');
  const commentIds: number[] = [];
  let comments = 0;
  for (const c of corpus.comments) {
    if (!ours.has(c.arxivId)) {
      commentIds.push(-1);
      continue;
    }
    const parent = c.replyTo === null ? null : (commentIds[c.replyTo] ?? -1);
    const saved = await store.community.addComment({
      paperId: await paperId(c.arxivId),
      userId: readerIds[c.reader]!,
      parentId: parent !== null && parent >= 0 ? parent : null,
      body: c.body,
      now: c.at,
    });
    commentIds.push(saved.id);
    comments++;
  }
  progress(comments, comments, 'comments');
  return { papers: papers.length, readers: readerIds.length, featured, votes, comments };
}

export async function removeDemo(store: DemoStore): Promise<{ papers: number; users: number }> {
  return store.firstRun.removeDemo();
}
