/** LibraryRepository on PostgreSQL; same semantics as library.sqlite.repo.ts. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { named } from '../db/statements.ts';
import { type CollectionRow, exportOf, MAX_SAVED, result, SQL, toCollection } from './library.sql.ts';
import type { AddResult, Collection, LibraryExport, LibraryRepository } from './types.ts';

/**
 * Every statement is a fixed text, so every one is named (db/statements.ts `named`): parsed and
 * planned once per pooled connection. Id lists are one array parameter (`= ANY`, `unnest`).
 */
const S = named('library', {
  ...SQL,
  arxivIds: 'SELECT id, arxiv_id FROM papers WHERE arxiv_id = ANY($1::text[])',
  addMany: `INSERT INTO collection_papers (collection_id, paper_id, user_id, added_at)
        SELECT $1, unnest($2::bigint[]), $3, $4 ON CONFLICT DO NOTHING RETURNING paper_id`,
  savedAmong: 'SELECT paper_id FROM collection_papers WHERE user_id = $1 AND paper_id = ANY($2::bigint[])',
});

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

async function defaultId(c: Queryable, userId: number, name: string, now: string): Promise<number> {
  await c.query({ ...S.createDefault, values: [userId, name, now] });
  const r = await c.query<{ id: string }>({ ...S.defaultId, values: [userId] });
  return Number(r.rows[0]!.id);
}

export class PgLibraryRepository implements LibraryRepository {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async collections(userId: number): Promise<Collection[]> {
    return (await this.#pool.query<CollectionRow>({ ...S.collections, values: [userId] })).rows.map(
      toCollection,
    );
  }

  async collection(id: number): Promise<Collection | null> {
    const r = await this.#pool.query<CollectionRow>({ ...S.collection, values: [id] });
    return r.rows[0] ? toCollection(r.rows[0]) : null;
  }

  async create(c: { userId: number; name: string; isPublic: boolean; now: string }): Promise<Collection> {
    const r = await this.#pool.query<{ id: string }>({
      ...S.create,
      values: [c.userId, c.name, c.isPublic ? 1 : 0, c.now],
    });
    return (await this.collection(Number(r.rows[0]!.id)))!;
  }

  async ensureDefault(userId: number, name: string, now: string): Promise<Collection> {
    return (await this.collection(await defaultId(this.#pool, userId, name, now)))!;
  }

  async update(id: number, change: { name?: string; isPublic?: boolean }, now: string): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      if (change.name !== undefined) await c.query({ ...S.rename, values: [id, change.name, now] });
      if (change.isPublic !== undefined)
        await c.query({ ...S.setPublic, values: [id, change.isPublic ? 1 : 0, now] });
    });
  }

  async remove(id: number): Promise<void> {
    await this.#pool.query({ ...S.remove, values: [id] });
  }

  async add(collectionId: number, userId: number, paperId: number, now: string): Promise<boolean> {
    return inTransaction(this.#pool, async (c) => {
      const added =
        ((await c.query({ ...S.add, values: [collectionId, paperId, userId, now] })).rowCount ?? 0) > 0;
      if (added) await c.query({ ...S.touch, values: [collectionId, now] });
      return added;
    });
  }

  async addToDefault(userId: number, paperId: number, defaultName: string, now: string) {
    return inTransaction(this.#pool, async (c) => {
      const collectionId = await defaultId(c, userId, defaultName, now);
      const added =
        ((await c.query({ ...S.add, values: [collectionId, paperId, userId, now] })).rowCount ?? 0) > 0;
      if (added) await c.query({ ...S.touch, values: [collectionId, now] });
      return { collectionId, added };
    });
  }

  async removeFrom(collectionId: number, paperId: number): Promise<boolean> {
    return ((await this.#pool.query({ ...S.removeFrom, values: [collectionId, paperId] })).rowCount ?? 0) > 0;
  }

  async unsave(userId: number, paperId: number): Promise<number> {
    return (await this.#pool.query({ ...S.unsave, values: [userId, paperId] })).rowCount ?? 0;
  }

  async addArxivIds(
    collectionId: number,
    userId: number,
    arxivIds: string[],
    now: string,
  ): Promise<AddResult> {
    return inTransaction(this.#pool, async (c) => {
      const found = await c.query<{ id: string; arxiv_id: string }>({ ...S.arxivIds, values: [arxivIds] });
      const byId = new Map(found.rows.map((r) => [Number(r.id), r.arxiv_id]));
      const ids = [...byId.keys()];
      const inserted = await c.query<{ paper_id: string }>({
        ...S.addMany,
        values: [collectionId, ids, userId, now],
      });
      const added = new Set(inserted.rows.map((r) => Number(r.paper_id)));
      if (added.size) await c.query({ ...S.touch, values: [collectionId, now] });
      return result(arxivIds, byId, new Set(ids.filter((id) => !added.has(id))));
    });
  }

  async paperIds(collectionId: number, limit: number, offset: number) {
    const [rows, count] = await Promise.all([
      this.#pool.query<{ paper_id: string }>({ ...S.paperIds, values: [collectionId, limit, offset] }),
      this.#pool.query<{ n: string }>({ ...S.paperCount, values: [collectionId] }),
    ]);
    return { ids: rows.rows.map((r) => Number(r.paper_id)), total: Number(count.rows[0]!.n) };
  }

  async savedPaperIds(userId: number, limit = MAX_SAVED): Promise<number[]> {
    return (
      await this.#pool.query<{ paper_id: string }>({ ...S.savedPaperIds, values: [userId, limit] })
    ).rows.map((r) => Number(r.paper_id));
  }

  async savedAmong(userId: number, paperIds: number[]): Promise<Set<number>> {
    if (paperIds.length === 0) return new Set();
    const r = await this.#pool.query<{ paper_id: string }>({ ...S.savedAmong, values: [userId, paperIds] });
    return new Set(r.rows.map((x) => Number(x.paper_id)));
  }

  async collectionsWith(userId: number, paperId: number): Promise<number[]> {
    return (
      await this.#pool.query<{ collection_id: string }>({ ...S.collectionsWith, values: [userId, paperId] })
    ).rows.map((r) => Number(r.collection_id));
  }

  async exportFor(userId: number): Promise<LibraryExport> {
    const [cols, rows] = await Promise.all([
      this.collections(userId),
      this.#pool.query<{ collection_id: string; arxiv_id: string; added_at: string }>({
        ...S.exportPapers,
        values: [userId],
      }),
    ]);
    return exportOf(cols, rows.rows);
  }

  async deleteAllFor(userId: number): Promise<void> {
    await this.#pool.query({ ...S.deleteAll, values: [userId] });
  }
}
