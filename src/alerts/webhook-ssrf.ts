/**
 * Where a webhook may point (issue 15 item 2, "SSRF-safe"). A URL's host is resolved and every
 * address it resolves to is checked; one that is loopback, private, link-local, carrier-grade NAT,
 * multicast, reserved, a cloud metadata address, or an IPv4-mapped/NAT64 IPv6 form of those is
 * refused, unless an operator listed it in `webhookAllowHosts` (tests list 127.0.0.1 for their
 * loopback receiver). The delivery then connects to the address that was checked (webhook-send.ts
 * passes it as the socket's lookup), so a DNS answer cannot change between check and connect.
 * https only, except plain http to an allow-listed loopback address.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { InvalidInputError } from '../errors.ts';

/** [CIDR, why] pairs, checked in order; the why is shown to the reader. */
const V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'a "this network" address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.169.254', 32, 'the cloud metadata address'],
  ['169.254.0.0', 16, 'a link-local address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'a reserved address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];
const V6: [string, number, string][] = [
  ['::', 128, 'the unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['fd00:ec2::254', 128, 'the cloud metadata address'],
  ['64:ff9b::', 96, 'a NAT64 address'],
  ['64:ff9b:1::', 48, 'a NAT64 address'],
  ['100::', 64, 'a discard address'],
  ['2001:db8::', 32, 'a documentation address'],
  ['2002::', 16, 'a 6to4 address'],
  ['fc00::', 7, 'a private (unique local) address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
];

const rules = [
  ...V4.map(([net, bits, why]) => {
    const b = new BlockList();
    b.addSubnet(net, bits, 'ipv4');
    return { b, type: 'ipv4' as const, why };
  }),
  ...V6.map(([net, bits, why]) => {
    const b = new BlockList();
    b.addSubnet(net, bits, 'ipv6');
    return { b, type: 'ipv6' as const, why };
  }),
];

/** An IPv6 address as its eight 16-bit groups (a dotted IPv4 tail becomes the last two). */
function groups(address: string): number[] {
  let a = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, dotted.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => Number.parseInt(g, 16));
}

/**
 * The IPv4 address inside an IPv4-mapped (`::ffff:127.0.0.1`, `::ffff:7f00:1`) or IPv4-compatible
 * (`::127.0.0.1`) IPv6 address; null for any other. Such an address reaches the IPv4 host on a
 * dual-stack socket, so it is judged as that host.
 */
function embeddedIPv4(address: string): string | null {
  const g = groups(address);
  if (g.length !== 8 || g.slice(0, 5).some((x) => x !== 0)) return null;
  const mapped = g[5] === 0xffff;
  const compatible = g[5] === 0 && (g[6] !== 0 || g[7]! > 1);
  if (!mapped && !compatible) return null;
  return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
}

/** Why `address` is refused as a webhook target, or null when it is public. */
export function whyBlocked(address: string): string | null {
  const v4 = isIP(address) === 6 ? embeddedIPv4(address) : null;
  const ip = v4 ?? address;
  const type = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  const hit = rules.find((r) => r.type === type && r.b.check(ip, type));
  if (!hit) return null;
  return v4 ? `${hit.why} (as IPv4-mapped IPv6)` : hit.why;
}

const isLoopback = (address: string) => {
  const ip = (isIP(address) === 6 ? embeddedIPv4(address) : null) ?? address;
  return ip === '::1' || /^127\./.test(ip);
};

/** The operator's allow-list: IP addresses or CIDRs (`127.0.0.1`, `10.1.0.0/16`, `::1`). */
export function allowList(entries: readonly string[]): BlockList {
  const b = new BlockList();
  for (const e of entries) {
    const [ip, bits] = e.split('/');
    const type = isIP(ip ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) b.addAddress(ip!, type);
    else b.addSubnet(ip!, Number(bits), type);
  }
  return b;
}

function allowed(list: BlockList, address: string): boolean {
  const v4 = isIP(address) === 6 ? embeddedIPv4(address) : null;
  return (
    list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4') || (v4 !== null && list.check(v4, 'ipv4'))
  );
}

export interface Target {
  url: URL;
  /** The checked address to connect to, and its family. */
  address: string;
  family: 4 | 6;
}

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolve: Resolve = (host) => lookup(host, { all: true, verbatim: true });

const MAX_URL = 2000;

/**
 * Checks a webhook URL and resolves it to one address to connect to; throws InvalidInputError
 * saying what is wrong (the reader sees it when adding; the worker records it as the attempt's error).
 */
export async function resolveTarget(
  raw: string,
  allow: BlockList,
  resolve: Resolve = systemResolve,
): Promise<Target> {
  const shown = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  const refuse = (why: string) => new InvalidInputError(`Webhook URL ${shown} is refused: ${why}.`);
  if (raw.length > MAX_URL) throw refuse(`it is longer than ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('it is not an absolute URL (like https://hooks.example.org/paperboy)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse('only https:// URLs can receive webhooks');
  if (url.username || url.password)
    throw refuse('it carries a user name or password; put a token in the path instead');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      throw refuse(
        `its host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'DNS error'})`,
      );
    }
    if (addresses.length === 0) throw refuse(`its host ${host} does not resolve`);
  }
  // Every address must pass: a name with one public and one private answer is refused, since
  // which one a later connection would use is not ours to choose.
  for (const a of addresses) {
    const why = whyBlocked(a.address);
    if (why && !allowed(allow, a.address))
      throw refuse(
        `${host === a.address ? host : `${host} resolves to ${a.address}, which`} is ${why}` +
          ' (webhooks may not reach private networks; an operator can allow an address with webhookAllowHosts)',
      );
  }
  const first = addresses[0]!;
  if (url.protocol === 'http:' && !(isLoopback(first.address) && allowed(allow, first.address)))
    throw refuse(
      'only https:// URLs can receive webhooks (plain http only to an allow-listed loopback receiver)',
    );
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
