/**
 * Per-recipient headers of a digest: RFC 2369/8058 unsubscribe (one URL, https in production, and
 * the one-click POST marker), RFC 2919 List-Id, and the envelope sender that collects bounces.
 * Built at send time from the subscriber row, never stored, so they always match the current
 * secret and base URL.
 */
import type { Config } from '../config/config.ts';
import { unsubscribeUrl, verpAddress } from './links.ts';

const listIds = new Map<string, string>();

function listId(config: Pick<Config, 'siteName' | 'baseUrl'>): string {
  // Asked once per message sent; the answer only changes with the configuration.
  const key = `${config.siteName}\n${config.baseUrl}`;
  let id = listIds.get(key);
  if (id === undefined) {
    const host = new URL(config.baseUrl ?? 'http://localhost').hostname || 'localhost';
    id = `"${config.siteName.replace(/["\\]/g, '')} digest" <digest.${host}>`;
    listIds.set(key, id);
  }
  return id;
}

export function digestHeaders(
  config: Pick<Config, 'siteName' | 'baseUrl' | 'mailBounceAddress' | 'mailVerp'>,
  secret: string,
  s: { id: number; email: string },
): { headers: Record<string, string>; envelopeFrom: string | undefined } {
  const url = unsubscribeUrl({ baseUrl: config.baseUrl!, secret }, s);
  const bounce = config.mailBounceAddress;
  return {
    headers: {
      'List-Unsubscribe': `<${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': listId(config),
    },
    envelopeFrom: bounce ? (config.mailVerp ? verpAddress(secret, bounce, s) : bounce) : undefined,
  };
}
