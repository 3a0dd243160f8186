/** The record of consent, and what a subscriber may ask for about their data: its export and its erasure. */
import { iso, type SqlRunner } from '../db/sql.ts';
import type { Consent } from './types.ts';

export class DigestConsent {
  readonly #db: SqlRunner;

  constructor(db: SqlRunner) {
    this.#db = db;
  }

  async addConsent(subscriberId: number, c: Consent): Promise<void> {
    await this.#db.run(
      `INSERT INTO subscriber_consents (subscriber_id, action, at, form, ip_hash, settings, text_version)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [subscriberId, c.action, c.at, c.form, c.ipHash, JSON.stringify(c.settings), c.textVersion],
    );
  }

  async consents(subscriberId: number): Promise<Consent[]> {
    const rows = await this.#db.all<{
      action: Consent['action'];
      at: string;
      form: string;
      ip_hash: string | null;
      settings: string;
      text_version: string;
    }>(
      'SELECT action, at, form, ip_hash, settings, text_version FROM subscriber_consents WHERE subscriber_id = ? ORDER BY id',
      [subscriberId],
    );
    return rows.map((r) => ({
      action: r.action,
      at: r.at,
      form: r.form,
      ipHash: r.ip_hash,
      settings: JSON.parse(r.settings),
      textVersion: r.text_version,
    }));
  }

  async sentPaperList(subscriberId: number): Promise<{ arxivId: string; period: string }[]> {
    const rows = await this.#db.all<{ arxiv_id: string; period: string }>(
      'SELECT arxiv_id, period FROM digest_items WHERE subscriber_id = ? ORDER BY period, arxiv_id',
      [subscriberId],
    );
    return rows.map((r) => ({ arxivId: r.arxiv_id, period: r.period }));
  }

  /** Deletes everything about a subscriber and keeps only a keyed hash of the address. */
  async erase(subscriberId: number, emailHash: string, now: number): Promise<void> {
    await this.#db.batch([
      [
        `INSERT INTO digest_suppressions (email_hash, reason, created_at) VALUES (?, 'erased', ?)
         ON CONFLICT (email_hash) DO NOTHING`,
        [emailHash, iso(now)],
      ],
      ['DELETE FROM digest_bounces WHERE subscriber_id = ?', [subscriberId]],
      ['DELETE FROM digest_items WHERE subscriber_id = ?', [subscriberId]],
      [
        'DELETE FROM digest_bodies WHERE outbox_id IN (SELECT id FROM digest_outbox WHERE subscriber_id = ?)',
        [subscriberId],
      ],
      ['DELETE FROM digest_outbox WHERE subscriber_id = ?', [subscriberId]],
      ['DELETE FROM subscriber_consents WHERE subscriber_id = ?', [subscriberId]],
      ['DELETE FROM subscribers WHERE id = ?', [subscriberId]],
    ]);
  }
}
