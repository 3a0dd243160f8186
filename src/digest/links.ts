/** Signed URLs carried by mails: confirm, unsubscribe, preferences, web version, and VERP tags. */
import { createHmac } from 'node:crypto';
import { addressOf, domainOf } from './mail.ts';
import { periodRef } from './period.ts';
import type { DigestLinks } from './template.ts';
import { signToken } from './tokens.ts';

/** A pending subscription can be confirmed for this long. */
export const CONFIRM_TTL_MS = 7 * 86_400_000;

export interface LinkContext {
  baseUrl: string;
  secret: string;
}

const base = (ctx: LinkContext) => ctx.baseUrl.replace(/\/+$/, '');

export function confirmUrl(ctx: LinkContext, s: { id: number; email: string }, expiresAtMs: number): string {
  return `${base(ctx)}/digest/confirm/${signToken(ctx.secret, { purpose: 'confirm', id: s.id, exp: Math.floor(expiresAtMs / 1000) }, s.email)}`;
}

/** The one URL of List-Unsubscribe: GET shows a page, POST (RFC 8058 one-click) unsubscribes. */
export function unsubscribeUrl(ctx: LinkContext, s: { id: number; email: string }): string {
  return `${base(ctx)}/digest/unsubscribe/${signToken(ctx.secret, { purpose: 'unsubscribe', id: s.id, exp: 0 }, s.email)}`;
}

export function preferencesUrl(ctx: LinkContext, s: { id: number; email: string }): string {
  return `${base(ctx)}/digest/preferences/${signToken(ctx.secret, { purpose: 'preferences', id: s.id, exp: 0 }, s.email)}`;
}

export function webUrl(ctx: LinkContext, s: { id: number; email: string }, period: string): string {
  return `${base(ctx)}/digest/${signToken(ctx.secret, { purpose: 'web', id: s.id, exp: 0, ref: periodRef(period) }, s.email)}`;
}

export function digestLinks(ctx: LinkContext, s: { id: number; email: string }, period: string): DigestLinks {
  return {
    site: `${base(ctx)}/`,
    web: webUrl(ctx, s, period),
    unsubscribe: unsubscribeUrl(ctx, s),
    preferences: preferencesUrl(ctx, s),
    paper: (id) => `${base(ctx)}/papers/${id}`,
  };
}

/** Deterministic per (subscriber, period): a re-run or second scheduler composes the same id. */
export function digestMessageId(secret: string, subscriberId: number, period: string, from: string): string {
  const tag = createHmac('sha256', secret)
    .update(`message-id\n${subscriberId}\n${period}`)
    .digest('hex')
    .slice(0, 12);
  return `<digest.${periodRef(period)}.${subscriberId}.${tag}@${domainOf(from)}>`;
}

function verpTag(secret: string, subscriberId: number, email: string): string {
  return createHmac('sha256', secret).update(`verp\n${subscriberId}\n${email}`).digest('hex').slice(0, 10);
}

/** `bounces+s42-<tag>@example.org`: a DSN sent back to it names the subscriber, unforgeably. */
export function verpAddress(secret: string, bounceAddress: string, s: { id: number; email: string }): string {
  const a = addressOf(bounceAddress);
  const at = a.lastIndexOf('@');
  return `${a.slice(0, at)}+s${s.id}-${verpTag(secret, s.id, s.email)}${a.slice(at)}`;
}

/** The subscriber id a VERP address claims (checked against their address by `verpMatches`). */
export function readVerp(address: string): { id: number; tag: string } | null {
  const m = /\+s([1-9]\d{0,15})-([0-9a-f]{10})@/i.exec(address);
  return m ? { id: Number(m[1]), tag: m[2]!.toLowerCase() } : null;
}

export function verpMatches(secret: string, tag: string, s: { id: number; email: string }): boolean {
  return verpTag(secret, s.id, s.email) === tag;
}
