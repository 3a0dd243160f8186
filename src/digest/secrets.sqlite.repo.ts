/** DigestSecrets on SQLite (see secrets.repo.ts): the shared statements, prepared once. */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { sqliteText } from '../db/statements.ts';
import { type DigestSecrets, SECRET_SQL, storedSecret } from './secrets.repo.ts';

export class SqliteDigestSecrets implements DigestSecrets {
  readonly #offer: StatementSync;
  readonly #get: StatementSync;
  readonly #rateHit: StatementSync;

  constructor(db: DatabaseSync) {
    const p = (sql: string) => db.prepare(sqliteText(sql));
    this.#offer = p(SECRET_SQL.offer);
    this.#get = p(SECRET_SQL.get);
    this.#rateHit = p(SECRET_SQL.rateHit);
  }

  async secret(name: string, candidate: string): Promise<string> {
    this.#offer.run(name, candidate, new Date().toISOString());
    return storedSecret(name, this.#get.get(name) as { value: string } | undefined);
  }

  async rateHit(key: string, windowMs: number, now: number): Promise<number> {
    const r = this.#rateHit.get(key, now, now - windowMs) as { count: number } | undefined;
    return Number(r?.count ?? 1);
  }
}
