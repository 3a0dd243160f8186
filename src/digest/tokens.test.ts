// RELIABILITY (Digests): "Tokens: HMAC-SHA256 with a purpose, compared on the canonical string;
// any altered, truncated or cross-purpose token is refused" (the web routes test shows the same
// 4xx and no change; this is the token rule itself).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readToken, signToken, verifyToken } from './tokens.ts';

const SECRET = 'x'.repeat(40);
const NOW = Date.UTC(2026, 0, 5);
const email = 'reader@example.org';
const good = signToken(SECRET, { purpose: 'unsubscribe', id: 42, exp: 0 }, email);

test('a token we issued verifies for its purpose and binding', () => {
  assert.match(good, /^unsubscribe\.42\.0\.[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(verifyToken(SECRET, good, 'unsubscribe', email, NOW), {
    purpose: 'unsubscribe',
    id: 42,
    exp: 0,
  });
});

test('altered, truncated, re-encoded, cross-purpose, foreign and expired tokens are refused', () => {
  const sig = good.split('.')[3]!;
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const cases: [string, string][] = [
    ['altered signature', flip(good, good.length - 5)],
    ['altered id', `unsubscribe.43.0.${sig}`],
    ['leading zero id', `unsubscribe.042.0.${sig}`],
    ['altered expiry', `unsubscribe.42.1.${sig}`],
    ['truncated', good.slice(0, -1)],
    ['extended', `${good}A`],
    ['padded base64', `${good}=`],
    ['standard base64 alphabet', good.replace(/-/g, '+').replace(/_/g, '/')],
    ['upper-cased purpose', good.replace('unsubscribe', 'UNSUBSCRIBE')],
    ['whitespace', ` ${good}`],
    ['empty', ''],
    ['cross-purpose', good.replace('unsubscribe', 'preferences')],
  ];
  for (const [name, token] of cases) {
    if (token === good) continue; // the alphabet swap is a no-op when the signature has neither - nor _
    assert.equal(verifyToken(SECRET, token, 'unsubscribe', email, NOW), null, name);
    assert.equal(verifyToken(SECRET, token, 'preferences', email, NOW), null, `${name} (as preferences)`);
  }
  assert.equal(verifyToken(SECRET, good, 'preferences', email, NOW), null, 'right token, wrong purpose');
  assert.equal(verifyToken(SECRET, good, 'unsubscribe', 'other@example.org', NOW), null, 'other address');
  assert.equal(verifyToken('y'.repeat(40), good, 'unsubscribe', email, NOW), null, 'other secret');
  const confirm = signToken(SECRET, { purpose: 'confirm', id: 42, exp: NOW / 1000 + 60 }, email);
  assert.ok(verifyToken(SECRET, confirm, 'confirm', email, NOW));
  assert.equal(verifyToken(SECRET, confirm, 'confirm', email, NOW + 61_000), null, 'expired');
});

test('a ref is part of what is signed', () => {
  const web = signToken(SECRET, { purpose: 'web', id: 42, exp: 0, ref: 'd20260105' }, email);
  assert.deepEqual(verifyToken(SECRET, web, 'web', email, NOW), {
    purpose: 'web',
    id: 42,
    exp: 0,
    ref: 'd20260105',
  });
  assert.equal(verifyToken(SECRET, web.replace('d20260105', 'd20260106'), 'web', email, NOW), null);
  assert.equal(verifyToken(SECRET, web.replace('d20260105.', ''), 'web', email, NOW), null);
});

test('readToken states claims without trusting them', () => {
  assert.deepEqual(readToken(good, 'unsubscribe'), { purpose: 'unsubscribe', id: 42, exp: 0 });
  assert.equal(readToken(good, 'confirm'), null);
  assert.equal(readToken('unsubscribe.99999999999999999.0.' + 'a'.repeat(43), 'unsubscribe'), null);
});
