import { BlockList, isIP } from 'node:net';

/**
 * Whom our outbound calls may reach (webhooks, booking callbacks, calendar servers and feeds).
 * Operators set it through OUTBOUND_ALLOWED_HOSTS (alias WEBHOOK_ALLOWED_HOSTS) and
 * WEBHOOK_ALLOW_HTTP; tests pass their local receiver here.
 */
export interface OutboundPolicy {
  /** Hosts (`127.0.0.1`, `hooks.internal`) or `host:port` let through whatever they resolve to. */
  allowedHosts: string[];
  /** Plain http besides https; off in production. */
  allowHttp: boolean;
  /** Name resolution; the system resolver unless a test stands in a name server of its own. */
  lookup?: (hostname: string) => Promise<string[]>;
}

export const STRICT_POLICY: OutboundPolicy = { allowedHosts: [], allowHttp: false };

/**
 * Addresses that are not the public internet: this host, its networks, the cloud metadata
 * service, multicast, and the ranges that hide an IPv4 address inside IPv6 (compatible, NAT64),
 * since those reach the same internal targets under another spelling. IPv4-mapped addresses
 * (::ffff:127.0.0.1) need no rule of their own: BlockList checks them against the IPv4 rules.
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) INTERNAL.addSubnet(network, prefix, 'ipv6');

/** Why an IP address may not be posted to, or null if it is a public address. */
export function internalAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6')
    ? `${address} is a loopback, private, link-local, multicast or otherwise internal address`
    : null;
}

/** The URL's host as an address or name, without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export function defaultPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Whether the operator let this URL's host (or host and port) through explicitly. */
export function isAllowedHost(policy: OutboundPolicy, url: URL): boolean {
  const host = hostOf(url).toLowerCase();
  const port = defaultPort(url);
  return policy.allowedHosts.some((entry) => {
    const allowed = entry.trim().toLowerCase();
    return allowed === host || allowed === `${host}:${port}` || allowed === `[${host}]:${port}`;
  });
}
