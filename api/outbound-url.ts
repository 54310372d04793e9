import type { OutboundPolicy } from '../outbound/address-policy';
import { subscriptionRefusal } from '../outbound/target-check';
import { InvalidInput } from './errors';

/**
 * A webhook or callback URL is refused when it is given, not only when it is used: a 400 naming
 * the field for a scheme the policy does not allow or a target inside our networks.
 */
export async function requireOutboundUrl(policy: OutboundPolicy, url: string | null | undefined, path: string): Promise<void> {
  if (!url) return;
  const refusal = await subscriptionRefusal(policy, url);
  if (refusal) throw new InvalidInput([{ path, message: refusal }]);
}
