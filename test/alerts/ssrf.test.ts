/**
 * Issue 15 item 2, RELIABILITY "Hostile: a webhook URL to 127.0.0.1/169.254.169.254/[::1]/a DNS
 * name resolving to private space is refused with a clear message" — plus the other blocked
 * ranges, IPv4-mapped IPv6 forms, http to a public host, and the operator's allow-list.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sendWebhook } from '../../src/alerts/webhook-send.ts';
import { allowList, type Resolve, resolveTarget, whyBlocked } from '../../src/alerts/webhook-ssrf.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { startReceiver } from './receiver.ts';

const none = allowList([]);
/** A resolver that answers from a table, as a hostile DNS server would. */
const dns =
  (table: Record<string, string[]>): Resolve =>
  async (host) => {
    const a = table[host];
    if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
const resolver = dns({
  'internal.example': ['10.0.0.5'],
  'mixed.example': ['93.184.216.34', '192.168.1.10'],
  'meta.example': ['169.254.169.254'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'public.example': ['93.184.216.34'],
  'v6.example': ['2606:4700::1111'],
  'ula.example': ['fd00:ec2::254'],
});

const refused = async (url: string, pattern: RegExp, allow = none) => {
  await assert.rejects(resolveTarget(url, allow, resolver), (err: Error) => {
    assert.ok(err instanceof InvalidInputError, `${url}: ${err.message}`);
    assert.match(err.message, pattern, url);
    assert.ok(err.message.startsWith('Webhook URL '), err.message);
    return true;
  });
};

test('hostile webhook URLs are refused with a message saying why', async () => {
  await refused('https://127.0.0.1/hook', /127\.0\.0\.1 is a loopback address/);
  await refused(
    'https://169.254.169.254/latest/meta-data',
    /169\.254\.169\.254 is the cloud metadata address/,
  );
  await refused('https://[::1]/hook', /::1 is a loopback address/);
  await refused(
    'https://internal.example/hook',
    /internal\.example resolves to 10\.0\.0\.5, which is a private address/,
  );
  await refused('https://mixed.example/', /resolves to 192\.168\.1\.10, which is a private address/);
  await refused('https://meta.example/', /cloud metadata/);
  await refused('https://mapped.example/', /loopback address \(as IPv4-mapped IPv6\)/);
  await refused('https://[::ffff:169.254.169.254]/', /cloud metadata address \(as IPv4-mapped IPv6\)/);
  await refused('https://[::ffff:10.1.2.3]/', /private address \(as IPv4-mapped IPv6\)/);
  await refused('https://ula.example/', /cloud metadata address/);
  await refused('https://100.64.0.1/', /carrier-grade NAT/);
  await refused('https://224.0.0.1/', /multicast/);
  await refused('https://[fe80::1]/', /link-local/);
  await refused('https://0.0.0.0/', /"this network"/);
  await refused('https://2130706433/', /127\.0\.0\.1 is a loopback address/); // decimal IPv4, normalized by URL
  await refused('http://public.example/', /only https:\/\//);
  await refused('ftp://public.example/', /only https:\/\//);
  await refused('https://user:pw@public.example/', /user name or password/);
  await refused('https://nowhere.example/', /does not resolve \(ENOTFOUND\)/);
  await refused('not a url', /not an absolute URL/);
  // The message tells the operator how to allow a private receiver.
  await refused('https://10.9.9.9/', /webhookAllowHosts/);
});

test('public https targets pass, and the checked address is the one to connect to', async () => {
  const t = await resolveTarget('https://public.example/hook', none, resolver);
  assert.deepEqual([t.address, t.family, t.url.hostname], ['93.184.216.34', 4, 'public.example']);
  assert.equal((await resolveTarget('https://v6.example/', none, resolver)).family, 6);
});

test('the allow-list lets an operator reach a listed private or loopback address; http only to loopback', async () => {
  const allow = allowList(['127.0.0.1', '10.0.0.0/8']);
  assert.equal((await resolveTarget('http://127.0.0.1:9999/hook', allow, resolver)).address, '127.0.0.1');
  assert.equal((await resolveTarget('https://internal.example/', allow, resolver)).address, '10.0.0.5');
  await refused('http://internal.example/', /only https:\/\/.*allow-listed loopback/, allow);
  await refused('https://[::1]/', /loopback/, allow);
  await refused('https://169.254.169.254/', /metadata/, allow);
});

test('whyBlocked covers the special ranges, and public addresses pass', () => {
  for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '2001:4860:4860::8888'])
    assert.equal(whyBlocked(a), null, a);
  for (const a of [
    '172.16.0.1',
    '172.31.255.255',
    '192.0.2.1',
    '198.18.0.1',
    '255.255.255.255',
    'fc00::1',
    'ff02::1',
    '64:ff9b::a00:1',
    '::',
  ])
    assert.ok(whyBlocked(a), a);
});

test('the request goes to the address that was checked, not to a second DNS answer', async () => {
  const rx = await startReceiver([200]);
  try {
    const port = new URL(rx.url).port;
    let asked = 0;
    // A rebinding name: the first answer passes the check, any later one points elsewhere.
    const rebinding: Resolve = async () => [{ address: asked++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    const target = await resolveTarget(`http://hooks.test:${port}/hook`, allowList(['127.0.0.1']), rebinding);
    const r = await sendWebhook(
      target,
      '{}',
      { 'webhook-id': 'msg_x' },
      { timeoutMs: 5000, capBytes: 1024, userAgent: 't' },
    );
    assert.equal(r.status, 200, String(r.error));
    assert.equal(asked, 1, 'resolved once; the socket used that answer (hooks.test is in no real DNS)');
    assert.equal(rx.received[0]!.id, 'msg_x');
  } finally {
    await rx.stop();
  }
});
