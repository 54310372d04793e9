import type { OutboundPolicy } from './address-policy';
import { requestWithinPolicy, type RequestLimits } from './request';

export { OutboundRefused } from './request';

export type PostLimits = RequestLimits;

export interface PostAnswer { statusCode: number; body: string }

/**
 * POSTs `body` to `rawUrl` under the policy: internal targets refused (by their literal address
 * now, by their resolved address when connecting), no redirect followed (a 3xx is just the
 * answer), the whole exchange bounded in time and the answer in size.
 */
export async function postWithinPolicy(
  policy: OutboundPolicy, rawUrl: string, headers: Record<string, string>, body: string, limits: PostLimits,
): Promise<PostAnswer> {
  const { statusCode, body: answer } = await requestWithinPolicy(policy, { method: 'POST', url: rawUrl, headers, body }, limits);
  return { statusCode, body: answer };
}
