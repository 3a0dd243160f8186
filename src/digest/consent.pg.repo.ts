/** DigestConsent on PostgreSQL (see consent.repo.ts): the shared statements as they are. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { iso } from '../db/statements.ts';
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

export class PgDigestConsent implements DigestConsent {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async addConsent(subscriberId: number, c: Consent): Promise<void> {
    await this.#pool.query(CONSENT_SQL.add, [...consentParams(subscriberId, c)]);
  }

  async consents(subscriberId: number): Promise<Consent[]> {
    return (await this.#pool.query<ConsentRow>(CONSENT_SQL.list, [subscriberId])).rows.map(toConsent);
  }

  async sentPaperList(subscriberId: number): Promise<{ arxivId: string; period: string }[]> {
    const res = await this.#pool.query<{ arxiv_id: string; period: string }>(CONSENT_SQL.sentPapers, [
      subscriberId,
    ]);
    return res.rows.map(toSentPaper);
  }

  async erase(subscriberId: number, emailHash: string, now: number): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      await c.query(CONSENT_SQL.suppressErased, [emailHash, iso(now)]);
      for (const sql of ERASE_SQL) await c.query(sql, [subscriberId]);
    });
  }
}
