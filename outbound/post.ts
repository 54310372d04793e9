import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { internalAddressReason, isAllowedHost, type OutboundPolicy } from './address-policy';
import { resolveAll, urlRefusal } from './target-check';

export interface PostLimits {
  /** The whole exchange, from connecting to the last byte read. */
  timeoutMs: number;
  /** Bytes of the answer kept; the rest is not read. */
  maxResponseBytes: number;
}

export interface PostAnswer { statusCode: number; body: string }

/** A refusal to connect: the target is internal (or not allowed by scheme) at delivery time. */
export class OutboundRefused extends Error {}

/**
 * The name is resolved by this lookup when the socket connects, and the address it hands to the
 * socket is the one it checked: a name that answered with a public address when it was
 * subscribed and with 127.0.0.1 now (DNS rebinding) is refused, not connected.
 */
function checkedLookup(policy: OutboundPolicy, allowed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(policy, hostname).then((addresses) => {
      const family = typeof options === 'object' ? options.family : options;
      const usable = addresses.filter((address) => !family || isIP(address) === family);
      if (usable.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
      if (!allowed) {
        for (const address of usable) {
          const reason = internalAddressReason(address);
          if (reason) throw new OutboundRefused(`${hostname} resolves to ${address}: ${reason}`);
        }
      }
      if (typeof options === 'object' && options.all) {
        (callback as unknown as (e: null, all: { address: string; family: number }[]) => void)(
          null, usable.map((address) => ({ address, family: isIP(address) })),
        );
      } else {
        callback(null, usable[0], isIP(usable[0]));
      }
    }).catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}

/**
 * POSTs `body` to `rawUrl` under the policy: internal targets refused (by their literal address
 * now, by their resolved address when connecting), no redirect followed (a 3xx is just the
 * answer), the whole exchange bounded in time and the answer in size.
 */
export function postWithinPolicy(
  policy: OutboundPolicy, rawUrl: string, headers: Record<string, string>, body: string, limits: PostLimits,
): Promise<PostAnswer> {
  const url = new URL(rawUrl);
  const refusal = urlRefusal(policy, url);
  if (refusal) return Promise.reject(new OutboundRefused(`${url.origin}: ${refusal}`));
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: checkedLookup(policy, isAllowedHost(policy, url)),
      agent: false,
    }, (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept >= limits.maxResponseBytes) {
          response.destroy();
          return;
        }
        chunks.push(chunk.subarray(0, limits.maxResponseBytes - kept));
        kept += Math.min(chunk.length, limits.maxResponseBytes - kept);
      });
      const done = () => {
        clearTimeout(timer);
        resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      };
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    const timer = setTimeout(() => {
      request.destroy(Object.assign(new Error(`no answer within ${limits.timeoutMs / 1000} s`), { name: 'TimeoutError' }));
    }, limits.timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}
