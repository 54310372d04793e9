import { lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { hostOf, internalAddressReason, isAllowedHost, type OutboundPolicy } from './address-policy';

/** A name server that does not answer in this time does not hold up a request. */
const LOOKUP_TIMEOUT_MS = 2000;

export async function resolveAll(policy: OutboundPolicy, hostname: string): Promise<string[]> {
  const lookup = policy.lookup ?? (async (name: string) => (await systemLookup(name, { all: true, verbatim: true })).map((a) => a.address));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the name server for ${hostname} within ${LOOKUP_TIMEOUT_MS} ms`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([lookup(hostname), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why this URL may not be posted to by its scheme or its literal address, or null; no lookups. */
export function urlRefusal(policy: OutboundPolicy, url: URL): string | null {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    return policy.allowHttp ? 'must be an http or https URL' : 'must be an https URL';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (isAllowedHost(policy, url)) return null;
  const host = hostOf(url);
  return isIP(host) ? internalAddressReason(host) : null;
}

/**
 * Why this URL may not be subscribed to, or null. A name is resolved now and refused if any of
 * its addresses is internal; a name that does not resolve (yet) is accepted, because delivery
 * checks again, at the moment it connects, the address it connects to.
 */
export async function subscriptionRefusal(policy: OutboundPolicy, raw: string): Promise<string | null> {
  const url = new URL(raw);
  const refusal = urlRefusal(policy, url);
  if (refusal || isAllowedHost(policy, url) || isIP(hostOf(url))) return refusal;
  let addresses: string[];
  try {
    addresses = await resolveAll(policy, hostOf(url));
  } catch {
    return null;
  }
  for (const address of addresses) {
    const reason = internalAddressReason(address);
    if (reason) return `${url.hostname} resolves to ${reason.replace(/^\S+ is/, 'an address that is')}: ${address}`;
  }
  return null;
}
