/**
 * The record of consent, and what a subscriber may ask for about their data: its export and its
 * erasure. One class per dialect (consent.sqlite.repo.ts, consent.pg.repo.ts), shared statements.
 */
import type { Consent } from './types.ts';

export interface DigestConsent {
  addConsent(subscriberId: number, c: Consent): Promise<void>;
  consents(subscriberId: number): Promise<Consent[]>;
  sentPaperList(subscriberId: number): Promise<{ arxivId: string; period: string }[]>;
  /** Deletes everything about a subscriber and keeps only a keyed hash of the address. */
  erase(subscriberId: number, emailHash: string, now: number): Promise<void>;
}

/** The statements of both dialects, `$n` placeholders (SQLite prepares them through sqliteText). */
export const CONSENT_SQL = {
  add: `INSERT INTO subscriber_consents (subscriber_id, action, at, form, ip_hash, settings, text_version)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  list: `SELECT action, at, form, ip_hash, settings, text_version FROM subscriber_consents
    WHERE subscriber_id = $1 ORDER BY id`,
  sentPapers: 'SELECT arxiv_id, period FROM digest_items WHERE subscriber_id = $1 ORDER BY period, arxiv_id',
  /** erase: the suppression first ($1 the hash, $2 the time), then ERASE_SQL in order, in one transaction. */
  suppressErased: `INSERT INTO digest_suppressions (email_hash, reason, created_at) VALUES ($1, 'erased', $2)
    ON CONFLICT (email_hash) DO NOTHING`,
};

/** erase's deletes, each with the subscriber id as $1, in this order. */
export const ERASE_SQL = [
  'DELETE FROM digest_bounces WHERE subscriber_id = $1',
  'DELETE FROM digest_items WHERE subscriber_id = $1',
  'DELETE FROM digest_bodies WHERE outbox_id IN (SELECT id FROM digest_outbox WHERE subscriber_id = $1)',
  'DELETE FROM digest_outbox WHERE subscriber_id = $1',
  'DELETE FROM subscriber_consents WHERE subscriber_id = $1',
  'DELETE FROM subscribers WHERE id = $1',
] as const;

/** addConsent's parameters, in CONSENT_SQL.add's order. */
export const consentParams = (subscriberId: number, c: Consent) =>
  [subscriberId, c.action, c.at, c.form, c.ipHash, JSON.stringify(c.settings), c.textVersion] as const;

export interface ConsentRow {
  action: Consent['action'];
  at: string;
  form: string;
  ip_hash: string | null;
  settings: string;
  text_version: string;
}

export const toConsent = (r: ConsentRow): Consent => ({
  action: r.action,
  at: r.at,
  form: r.form,
  ipHash: r.ip_hash,
  settings: JSON.parse(r.settings),
  textVersion: r.text_version,
});

export const toSentPaper = (r: { arxiv_id: string; period: string }) => ({
  arxivId: r.arxiv_id,
  period: r.period,
});
