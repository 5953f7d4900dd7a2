import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Outbound requests to customer-supplied URLs must not reach Plinth's own network: loopback, private,
 * carrier-grade NAT, link-local (which holds cloud metadata at 169.254.169.254), multicast and reserved
 * ranges are refused, for IPv4, IPv6 and IPv4 embedded in IPv6.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 (64:ff9b::) IPv6 address. */
function embeddedIpv4(ipv6: string): string | undefined {
  const canonical = new URL(`http://[${ipv6}]/`).hostname.slice(1, -1);
  const m = /^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!m) return undefined;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(ip);
    if (v4) return blocked.check(v4, 'ipv4');
    return blocked.check(ip, 'ipv6');
  }
  return true;
}

export class UnsafeUrlError extends Error {}

/** A `lookup` for http.request that refuses to connect to a blocked address after DNS resolution. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as { address: string; family: number }[];
      if (!allowPrivate) {
        const bad = list.find((a) => isPrivateAddress(a.address));
        if (bad) return callback(new UnsafeUrlError(`${hostname} resolves to ${bad.address}, a private or reserved address`), '', 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} did not resolve`), '', 4);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Checks a webhook URL before it is saved: http(s) only, no credentials, and (unless private networks
 * are allowed) a host that resolves only to public addresses. Returns a reason when the URL is refused.
 */
export async function unsafeUrlReason(raw: string, allowPrivate: boolean): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https (or http)';
  if (url.username || url.password) return 'must not contain credentials';
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPrivateAddress(host) ? `points at ${host}, a private or reserved address` : undefined;
  const addresses = await new Promise<{ address: string }[] | Error>((resolve) =>
    dnsLookup(host, { all: true }, (err, list) => resolve(err ? err : (list as { address: string }[]))),
  );
  if (addresses instanceof Error) return `host ${host} does not resolve`;
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad ? `host ${host} resolves to ${bad.address}, a private or reserved address` : undefined;
}
