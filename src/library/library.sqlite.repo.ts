/** LibraryRepository on SQLite: statements prepared once; each multi-step change in one transaction. */
import type { DatabaseSync } from 'node:sqlite';
import { sqliteText, sqliteTransaction } from '../db/statements.ts';
import { type CollectionRow, exportOf, MAX_SAVED, result, SQL, toCollection } from './library.sql.ts';
import type { AddResult, Collection, LibraryExport, LibraryRepository } from './types.ts';

function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  return {
    collections: p(SQL.collections),
    collection: p(SQL.collection),
    create: p(SQL.create),
    createDefault: p(SQL.createDefault),
    defaultId: p(SQL.defaultId),
    rename: p(SQL.rename),
    setPublic: p(SQL.setPublic),
    touch: p(SQL.touch),
    remove: p(SQL.remove),
    add: p(SQL.add),
    removeFrom: p(SQL.removeFrom),
    unsave: p(SQL.unsave),
    paperIds: p(SQL.paperIds),
    paperCount: p(SQL.paperCount),
    savedPaperIds: p(SQL.savedPaperIds),
    collectionsWith: p(SQL.collectionsWith),
    exportPapers: p(SQL.exportPapers),
    deleteAll: p(SQL.deleteAll),
    savedAmong: p(
      'SELECT paper_id FROM collection_papers WHERE user_id = ? AND paper_id IN (SELECT value FROM json_each(?))',
    ),
    papersByArxivId: p('SELECT id, arxiv_id FROM papers WHERE arxiv_id IN (SELECT value FROM json_each(?))'),
    inCollection: p(
      'SELECT paper_id FROM collection_papers WHERE collection_id = ? AND paper_id IN (SELECT value FROM json_each(?))',
    ),
    // `WHERE true` tells SQLite's parser the ON CONFLICT belongs to the INSERT, not a join.
    addMany: p(`INSERT INTO collection_papers (collection_id, paper_id, user_id, added_at)
      SELECT ?, value, ?, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`),
  };
}

export class SqliteLibraryRepository implements LibraryRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  /** One synchronous transaction (src/db/statements.ts): nothing else runs inside it. */
  #tx<T>(fn: () => T): T {
    return sqliteTransaction(this.#db, fn);
  }

  async collections(userId: number): Promise<Collection[]> {
    return (this.#s.collections.all(userId) as unknown as CollectionRow[]).map(toCollection);
  }

  async collection(id: number): Promise<Collection | null> {
    const r = this.#s.collection.get(id) as unknown as CollectionRow | undefined;
    return r ? toCollection(r) : null;
  }

  async create(c: { userId: number; name: string; isPublic: boolean; now: string }): Promise<Collection> {
    const r = this.#s.create.get(c.userId, c.name, c.isPublic ? 1 : 0, c.now) as { id: number };
    return (await this.collection(r.id))!;
  }

  #defaultId(userId: number, name: string, now: string): number {
    this.#s.createDefault.run(userId, name, now);
    return (this.#s.defaultId.get(userId) as { id: number }).id;
  }

  async ensureDefault(userId: number, name: string, now: string): Promise<Collection> {
    const id = this.#tx(() => this.#defaultId(userId, name, now));
    return (await this.collection(id))!;
  }

  async update(id: number, change: { name?: string; isPublic?: boolean }, now: string): Promise<void> {
    const s = this.#s;
    this.#tx(() => {
      if (change.name !== undefined) s.rename.run(id, change.name, now);
      if (change.isPublic !== undefined) s.setPublic.run(id, change.isPublic ? 1 : 0, now);
    });
  }

  async remove(id: number): Promise<void> {
    this.#s.remove.run(id);
  }

  async add(collectionId: number, userId: number, paperId: number, now: string): Promise<boolean> {
    const s = this.#s;
    return this.#tx(() => {
      const added = s.add.run(collectionId, paperId, userId, now).changes > 0;
      if (added) s.touch.run(collectionId, now);
      return added;
    });
  }

  async addToDefault(userId: number, paperId: number, defaultName: string, now: string) {
    const s = this.#s;
    return this.#tx(() => {
      const collectionId = this.#defaultId(userId, defaultName, now);
      const added = s.add.run(collectionId, paperId, userId, now).changes > 0;
      if (added) s.touch.run(collectionId, now);
      return { collectionId, added };
    });
  }

  async removeFrom(collectionId: number, paperId: number): Promise<boolean> {
    return this.#s.removeFrom.run(collectionId, paperId).changes > 0;
  }

  async unsave(userId: number, paperId: number): Promise<number> {
    return Number(this.#s.unsave.run(userId, paperId).changes);
  }

  async addArxivIds(
    collectionId: number,
    userId: number,
    arxivIds: string[],
    now: string,
  ): Promise<AddResult> {
    const s = this.#s;
    return this.#tx(() => {
      const found = s.papersByArxivId.all(JSON.stringify(arxivIds)) as { id: number; arxiv_id: string }[];
      const byId = new Map(found.map((r) => [r.id, r.arxiv_id]));
      const ids = [...byId.keys()];
      const present = new Set(
        (s.inCollection.all(collectionId, JSON.stringify(ids)) as { paper_id: number }[]).map(
          (r) => r.paper_id,
        ),
      );
      const fresh = ids.filter((id) => !present.has(id));
      if (fresh.length) {
        s.addMany.run(collectionId, userId, now, JSON.stringify(fresh));
        s.touch.run(collectionId, now);
      }
      return result(arxivIds, byId, present);
    });
  }

  async paperIds(collectionId: number, limit: number, offset: number) {
    const ids = (this.#s.paperIds.all(collectionId, limit, offset) as { paper_id: number }[]).map(
      (r) => r.paper_id,
    );
    const total = (this.#s.paperCount.get(collectionId) as { n: number }).n;
    return { ids, total };
  }

  async savedPaperIds(userId: number, limit = MAX_SAVED): Promise<number[]> {
    return (this.#s.savedPaperIds.all(userId, limit) as { paper_id: number }[]).map((r) => r.paper_id);
  }

  async savedAmong(userId: number, paperIds: number[]): Promise<Set<number>> {
    if (paperIds.length === 0) return new Set();
    const rows = this.#s.savedAmong.all(userId, JSON.stringify(paperIds)) as { paper_id: number }[];
    return new Set(rows.map((r) => r.paper_id));
  }

  async collectionsWith(userId: number, paperId: number): Promise<number[]> {
    return (this.#s.collectionsWith.all(userId, paperId) as { collection_id: number }[]).map(
      (r) => r.collection_id,
    );
  }

  async exportFor(userId: number): Promise<LibraryExport> {
    const cols = await this.collections(userId);
    const rows = this.#s.exportPapers.all(userId) as {
      collection_id: number;
      arxiv_id: string;
      added_at: string;
    }[];
    return exportOf(cols, rows);
  }

  async deleteAllFor(userId: number): Promise<void> {
    this.#s.deleteAll.run(userId);
  }
}
