/** DigestConsent on SQLite (see consent.repo.ts): the shared statements, prepared once. */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { iso, sqliteText, sqliteTransaction } from '../db/statements.ts';
import {
  CONSENT_SQL,
  type ConsentRow,
  consentParams,
  type DigestConsent,
  ERASE_SQL,
  toConsent,
  toSentPaper,
} from './consent.repo.ts';
import type { Consent } from './types.ts';

export class SqliteDigestConsent implements DigestConsent {
  readonly #db: DatabaseSync;
  readonly #add: StatementSync;
  readonly #list: StatementSync;
  readonly #sentPapers: StatementSync;
  readonly #suppressErased: StatementSync;
  readonly #erase: readonly StatementSync[];

  constructor(db: DatabaseSync) {
    const p = (sql: string) => db.prepare(sqliteText(sql));
    this.#db = db;
    this.#add = p(CONSENT_SQL.add);
    this.#list = p(CONSENT_SQL.list);
    this.#sentPapers = p(CONSENT_SQL.sentPapers);
    this.#suppressErased = p(CONSENT_SQL.suppressErased);
    this.#erase = ERASE_SQL.map(p);
  }

  async addConsent(subscriberId: number, c: Consent): Promise<void> {
    this.#add.run(...consentParams(subscriberId, c));
  }

  async consents(subscriberId: number): Promise<Consent[]> {
    return (this.#list.all(subscriberId) as unknown as ConsentRow[]).map(toConsent);
  }

  async sentPaperList(subscriberId: number): Promise<{ arxivId: string; period: string }[]> {
    return (this.#sentPapers.all(subscriberId) as { arxiv_id: string; period: string }[]).map(toSentPaper);
  }

  async erase(subscriberId: number, emailHash: string, now: number): Promise<void> {
    sqliteTransaction(this.#db, () => {
      this.#suppressErased.run(emailHash, iso(now));
      for (const s of this.#erase) s.run(subscriberId);
    });
  }
}
