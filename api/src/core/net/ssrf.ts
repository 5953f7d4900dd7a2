import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Outbound requests to customer-supplied URLs must not reach Plinth's own network. Refused: every range
 * ipaddr.js names as special (unspecified, loopback, private, carrier-grade NAT, link-local, which holds
 * cloud metadata at 169.254.169.254, multicast, broadcast, reserved and documentation ranges, IPv6
 * unique-local), benchmarking networks, and IPv4 embedded in IPv6 (mapped, compatible or NAT64) when
 * that IPv4 address is refused.
 */
const REFUSED_RANGES = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'carrierGradeNat', 'private', 'reserved', 'uniqueLocal']);
/** RFC 2544 benchmarking networks, which ipaddr.js does not name. */
const BENCHMARKING = ipaddr.parseCIDR('198.18.0.0/15') as [ipaddr.IPv4, number];

function isRefusedIpv4(address: ipaddr.IPv4): boolean {
  return REFUSED_RANGES.has(address.range()) || address.match(BENCHMARKING);
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  const p = address.parts;
  const compatible = p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0;
  if (range !== 'ipv4Mapped' && range !== 'rfc6052' && !compatible) return undefined;
  return new ipaddr.IPv4([p[6]! >> 8, p[6]! & 255, p[7]! >> 8, p[7]! & 255]);
}

export function isPrivateAddress(ip: string): boolean {
  // Anything that is not plainly an address is refused (Node and ipaddr.js must both read it as one).
  if (!isIP(ip) || !ipaddr.isValid(ip)) return true;
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv4') return isRefusedIpv4(address as ipaddr.IPv4);
  const v4 = embeddedIpv4(address as ipaddr.IPv6);
  return v4 ? isRefusedIpv4(v4) : REFUSED_RANGES.has(address.range());
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
 * Checks a customer-supplied URL before it is saved: http(s) only, no credentials, and (unless private
 * networks are allowed) a host that resolves only to public addresses. Returns a reason when the URL is
 * refused; with `setting`, the environment variable that allows private networks, a refusal for a
 * private address says how to allow it in development.
 */
export async function unsafeUrlReason(raw: string, allowPrivate: boolean, setting?: string): Promise<string | undefined> {
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
  const hint = setting ? `. Set ${setting}=true to allow it in development.` : '';
  if (isIP(host)) return isPrivateAddress(host) ? `points at ${host}, a private or reserved address${hint}` : undefined;
  const addresses = await new Promise<{ address: string }[] | Error>((resolve) =>
    dnsLookup(host, { all: true }, (err, list) => resolve(err ? err : (list as { address: string }[]))),
  );
  if (addresses instanceof Error) return `host ${host} does not resolve`;
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad ? `host ${host} resolves to ${bad.address}, a private or reserved address${hint}` : undefined;
}
