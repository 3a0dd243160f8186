/** ForYouRepository on SQLite: statements prepared once, typed members; writes are single statements. */
import type { DatabaseSync } from 'node:sqlite';
import { sqliteText, sqliteTransaction } from '../db/statements.ts';
import {
  type BriefRow,
  type FeedbackRow,
  type FollowRow,
  SQL,
  toBrief,
  toFeedback,
  toFollow,
  toWindowPaper,
  type WindowRow,
} from './foryou.sql.ts';
import type {
  Feedback,
  FeedbackKind,
  Follow,
  FollowKind,
  ForYouRepository,
  PaperBrief,
  WindowPaper,
} from './repository.ts';

function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  return {
    follow: p(SQL.follow),
    unfollow: p(SQL.unfollow),
    follows: p(SQL.follows),
    setFeedback: p(SQL.setFeedback),
    feedback: p(SQL.feedback),
    clearFeedback: p(SQL.clearFeedback),
    addSeed: p(SQL.addSeed),
    seeds: p(SQL.seeds),
    upvoted: p(SQL.upvoted),
    settings: p(SQL.settings),
    saveSettings: p(SQL.saveSettings),
    markOnboarded: p(SQL.markOnboarded),
    windowPapers: p(SQL.windowPapers),
    newestSubmitted: p(SQL.newestSubmitted),
    likedBriefs: p(SQL.likedBriefs),
    briefs: db.prepare(
      'SELECT id, arxiv_id, title, abstract, categories FROM papers WHERE id IN (SELECT value FROM json_each(?))',
    ),
  };
}

export class SqliteForYouRepository implements ForYouRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async follow(userId: number, f: { kind: FollowKind; key: string; label: string }, now: string) {
    return this.#s.follow.run(userId, f.kind, f.key, f.label, now).changes > 0;
  }

  async unfollow(userId: number, followId: number) {
    return this.#s.unfollow.run(userId, followId).changes > 0;
  }

  async follows(userId: number): Promise<Follow[]> {
    return (this.#s.follows.all(userId) as unknown as FollowRow[]).map(toFollow);
  }

  async setFeedback(userId: number, paperId: number, kind: FeedbackKind, now: string) {
    this.#s.setFeedback.run(userId, paperId, kind, now);
  }

  async feedback(userId: number): Promise<Feedback[]> {
    return (this.#s.feedback.all(userId) as unknown as FeedbackRow[]).map(toFeedback);
  }

  async clearFeedback(userId: number) {
    return Number(this.#s.clearFeedback.run(userId).changes);
  }

  async addSeeds(userId: number, paperIds: number[], now: string) {
    return sqliteTransaction(this.#db, () => {
      let added = 0;
      for (const id of paperIds) added += Number(this.#s.addSeed.run(userId, id, now).changes);
      return added;
    });
  }

  async seeds(userId: number, limit: number) {
    return (this.#s.seeds.all(userId, limit) as { paper_id: number }[]).map((r) => r.paper_id);
  }

  async upvoted(userId: number, limit: number) {
    return (this.#s.upvoted.all(userId, limit) as { paper_id: number }[]).map((r) => r.paper_id);
  }

  async settings(userId: number) {
    const r = this.#s.settings.get(userId) as { settings: string; onboarded_at: string | null } | undefined;
    return { json: r?.settings ?? null, onboardedAt: r?.onboarded_at ?? null };
  }

  async saveSettings(userId: number, json: string, now: string) {
    this.#s.saveSettings.run(userId, json, now);
  }

  async markOnboarded(userId: number, now: string) {
    this.#s.markOnboarded.run(userId, now);
  }

  async windowPapers(from: string, to: string, limit: number): Promise<WindowPaper[]> {
    return (this.#s.windowPapers.all(from, to, limit) as unknown as WindowRow[]).map(toWindowPaper);
  }

  async newestSubmitted() {
    const r = this.#s.newestSubmitted.get() as { submitted_at: string } | undefined;
    return r?.submitted_at ?? null;
  }

  async briefs(paperIds: number[]): Promise<PaperBrief[]> {
    if (paperIds.length === 0) return [];
    return (this.#s.briefs.all(JSON.stringify(paperIds)) as unknown as BriefRow[]).map(toBrief);
  }

  async likedBriefs(from: string, to: string, limit: number): Promise<PaperBrief[]> {
    return (this.#s.likedBriefs.all(from, to, limit) as unknown as BriefRow[]).map(toBrief);
  }
}
