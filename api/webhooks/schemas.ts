import { z } from 'zod';
import { ALL_EVENT_TYPES, BOOKING_EVENT_TYPES } from '../../db/webhooks';
import type { WebhookDelivery, WebhookSubscription } from '../../db/schema';
import { httpUrl, pageQuery, text } from '../common-schemas';

const webhookUrl = httpUrl;

const eventTypes = z.array(z.enum([...BOOKING_EVENT_TYPES, ALL_EVENT_TYPES]))
  .min(1, { message: `must name at least one event type, or "${ALL_EVENT_TYPES}" for all` })
  .max(BOOKING_EVENT_TYPES.length + 1)
  .meta({ uniqueItems: true })
  .refine((types) => new Set(types).size === types.length, { message: 'must not repeat an event type' })
  .meta({ description: `Booking event types to receive; "${ALL_EVENT_TYPES}" = all, including types added later` });

/** Standard Webhooks secrets, so receivers can verify with that scheme's libraries as they are. */
const webhookSecret = text(200)
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, { message: 'must be "whsec_" followed by base64' })
  .refine((value) => {
    const bytes = Buffer.from(value.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, { message: 'must encode 24 to 64 bytes after "whsec_"' })
  // The two rules above as one pattern for the document: 32 to 86 base64 characters decode to 24 to 64 bytes.
  .meta({ description: 'Signing secret; generated and returned once if absent', pattern: '^whsec_[A-Za-z0-9+/]{32,86}={0,2}$' });

export const createWebhookBody = z.strictObject({
  url: webhookUrl,
  event_types: eventTypes,
  secret: webhookSecret.optional(),
}).meta({ id: 'CreateWebhook' });

export const updateWebhookBody = z.strictObject({
  url: webhookUrl.optional(),
  event_types: eventTypes.optional(),
  enabled: z.boolean().optional().meta({ description: 'true re-enables a subscription disabled by a 410 and clears disabled_reason' }),
}).meta({ id: 'UpdateWebhook' });

export const listWebhooksQuery = z.object(pageQuery);

export const webhookResponse = z.object({
  id: z.string(), url: z.string(), event_types: z.array(z.string()), enabled: z.boolean(),
  disabled_reason: z.string().nullable(), created_at: z.string(), updated_at: z.string(),
}).meta({ id: 'Webhook' });

export const createdWebhookResponse = webhookResponse.extend({
  secret: z.string().meta({ description: 'Shown only in this answer: keep it to verify signatures' }),
}).meta({ id: 'CreatedWebhook' });

export const deliveryResponse = z.object({
  id: z.string(), event_id: z.string(), attempt: z.number().int(), status_code: z.number().int().nullable(),
  duration_ms: z.number().int(), error: z.string().nullable(), delivered: z.boolean(), created_at: z.string(),
}).meta({ id: 'WebhookDelivery' });

export function toWebhookResponse(subscription: WebhookSubscription): z.infer<typeof webhookResponse> {
  return {
    id: subscription.id,
    url: subscription.url,
    event_types: subscription.event_types,
    enabled: subscription.enabled,
    disabled_reason: subscription.disabled_reason,
    created_at: subscription.created_at.toISOString(),
    updated_at: subscription.updated_at.toISOString(),
  };
}

/** A delivery attempt, to a subscription or to a booking's own callback URL. */
export function toDeliveryResponse(delivery: Omit<WebhookDelivery, 'subscription_id'>): z.infer<typeof deliveryResponse> {
  return {
    id: delivery.id,
    event_id: delivery.event_id,
    attempt: delivery.attempt,
    status_code: delivery.status_code,
    duration_ms: delivery.duration_ms,
    error: delivery.error,
    delivered: delivery.delivered,
    created_at: delivery.created_at.toISOString(),
  };
}
