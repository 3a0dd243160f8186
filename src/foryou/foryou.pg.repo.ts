/** ForYouRepository on PostgreSQL; same semantics as foryou.sqlite.repo.ts. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { named } from '../db/statements.ts';
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

/** Every statement is a fixed text, so each has a name (db/statements.ts `named`); id lists are one array parameter. */
const S = named('forYou', {
  ...SQL,
  briefs: 'SELECT id, arxiv_id, title, abstract, categories FROM papers WHERE id = ANY($1::bigint[])',
});

export class PgForYouRepository implements ForYouRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async follow(userId: number, f: { kind: FollowKind; key: string; label: string }, now: string) {
    return (
      ((await this.#pool.query({ ...S.follow, values: [userId, f.kind, f.key, f.label, now] })).rowCount ??
        0) > 0
    );
  }

  async unfollow(userId: number, followId: number) {
    return ((await this.#pool.query({ ...S.unfollow, values: [userId, followId] })).rowCount ?? 0) > 0;
  }

  async follows(userId: number): Promise<Follow[]> {
    return (await this.#pool.query<FollowRow>({ ...S.follows, values: [userId] })).rows.map(toFollow);
  }

  async setFeedback(userId: number, paperId: number, kind: FeedbackKind, now: string) {
    await this.#pool.query({ ...S.setFeedback, values: [userId, paperId, kind, now] });
  }

  async feedback(userId: number): Promise<Feedback[]> {
    return (await this.#pool.query<FeedbackRow>({ ...S.feedback, values: [userId] })).rows.map(toFeedback);
  }

  async clearFeedback(userId: number) {
    return (await this.#pool.query({ ...S.clearFeedback, values: [userId] })).rowCount ?? 0;
  }

  async addSeeds(userId: number, paperIds: number[], now: string) {
    return inTransaction(this.#pool, async (c) => {
      let added = 0;
      for (const id of paperIds)
        added += (await c.query({ ...S.addSeed, values: [userId, id, now] })).rowCount ?? 0;
      return added;
    });
  }

  async seeds(userId: number, limit: number) {
    const r = await this.#pool.query<{ paper_id: string }>({ ...S.seeds, values: [userId, limit] });
    return r.rows.map((x) => Number(x.paper_id));
  }

  async upvoted(userId: number, limit: number) {
    const r = await this.#pool.query<{ paper_id: string }>({ ...S.upvoted, values: [userId, limit] });
    return r.rows.map((x) => Number(x.paper_id));
  }

  async settings(userId: number) {
    const r = await this.#pool.query<{ settings: string; onboarded_at: string | null }>({
      ...S.settings,
      values: [userId],
    });
    return { json: r.rows[0]?.settings ?? null, onboardedAt: r.rows[0]?.onboarded_at ?? null };
  }

  async saveSettings(userId: number, json: string, now: string) {
    await this.#pool.query({ ...S.saveSettings, values: [userId, json, now] });
  }

  async markOnboarded(userId: number, now: string) {
    await this.#pool.query({ ...S.markOnboarded, values: [userId, now] });
  }

  async windowPapers(from: string, to: string, limit: number): Promise<WindowPaper[]> {
    return (await this.#pool.query<WindowRow>({ ...S.windowPapers, values: [from, to, limit] })).rows.map(
      toWindowPaper,
    );
  }

  async newestSubmitted() {
    const r = await this.#pool.query<{ submitted_at: string }>({ ...S.newestSubmitted });
    return r.rows[0]?.submitted_at ?? null;
  }

  async briefs(paperIds: number[]): Promise<PaperBrief[]> {
    if (paperIds.length === 0) return [];
    const r = await this.#pool.query<BriefRow>({ ...S.briefs, values: [paperIds] });
    return r.rows.map(toBrief);
  }

  async likedBriefs(from: string, to: string, limit: number): Promise<PaperBrief[]> {
    const r = await this.#pool.query<BriefRow>({ ...S.likedBriefs, values: [from, to, limit] });
    return r.rows.map(toBrief);
  }
}
