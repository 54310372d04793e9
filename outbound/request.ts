import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { internalAddressReason, isAllowedHost, type OutboundPolicy } from './address-policy';
import { resolveAll, urlRefusal } from './target-check';

export interface RequestLimits {
  /** The whole exchange, from connecting to the last byte read. */
  timeoutMs: number;
  /** Bytes of the answer kept; the rest is not read. */
  maxResponseBytes: number;
}

export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OutboundAnswer {
  statusCode: number;
  /** Header names in lower case; a repeated header is joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** The answer was longer than `maxResponseBytes`: `body` is only its beginning. */
  truncated: boolean;
}

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
 * One HTTP exchange under the policy: internal targets refused (by their literal address now, by
 * their resolved address when connecting), no redirect followed (a 3xx is just the answer, and the
 * caller decides whether its Location passes the policy), the whole exchange bounded in time and
 * the answer in size.
 */
export function requestWithinPolicy(policy: OutboundPolicy, request: OutboundRequest, limits: RequestLimits): Promise<OutboundAnswer> {
  const url = new URL(request.url);
  const refusal = urlRefusal(policy, url);
  if (refusal) return Promise.reject(new OutboundRefused(`${url.origin}: ${refusal}`));
  const transport = url.protocol === 'https:' ? https : http;
  const body = request.body ?? null;
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(url, {
      method: request.method,
      headers: body === null ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: checkedLookup(policy, isAllowedHost(policy, url)),
      agent: false,
    }, (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      response.on('data', (chunk: Buffer) => {
        if (kept >= limits.maxResponseBytes) {
          truncated = true;
          response.destroy();
          return;
        }
        if (kept + chunk.length > limits.maxResponseBytes) truncated = true;
        chunks.push(chunk.subarray(0, limits.maxResponseBytes - kept));
        kept += Math.min(chunk.length, limits.maxResponseBytes - kept);
      });
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ statusCode: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8'), truncated });
      };
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    const timer = setTimeout(() => {
      outgoing.destroy(Object.assign(new Error(`no answer within ${limits.timeoutMs / 1000} s`), { name: 'TimeoutError' }));
    }, limits.timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(body ?? undefined);
  });
}
