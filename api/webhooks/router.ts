import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import {
  deleteSubscription, findSubscription, insertSubscription, listDeliveries, listSubscriptions, updateSubscription,
} from '../../db/webhooks';
import { generateWebhookSecret } from '../../outbound/webhook-signature';
import { organizationOf } from '../auth';
import { decodeCursor, nextCursor } from '../cursor';
import { NotFound } from '../errors';
import { replayable } from '../idempotency';
import { requireOutboundUrl } from '../outbound-url';
import type { OutboundPolicy } from '../../outbound/address-policy';
import { parseInput, pathId } from '../validation';
import {
  createWebhookBody, listWebhooksQuery, toDeliveryResponse, toWebhookResponse, updateWebhookBody,
} from './schemas';

/** Subscriptions to booking events and their delivery log; the organization's API key only. */
export function webhooksRouter(db: Kysely<Database>, outbound: OutboundPolicy): Router {
  const router = Router();

  async function subscriptionOf(organizationId: string, id: string) {
    const subscription = await findSubscription(db, organizationId, pathId(id, 'webhook'));
    if (!subscription) throw new NotFound(`webhook ${id} not found`);
    return subscription;
  }

  router.post('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const body = parseInput(createWebhookBody, req.body);
    await requireOutboundUrl(outbound, body.url, 'url');
    const created = await replayable(db, req, organizationId, 'POST /v1/webhooks', async () => {
      const subscription = await insertSubscription(db, {
        organizationId, url: body.url, eventTypes: body.event_types, secret: body.secret ?? generateWebhookSecret(),
      });
      // The secret is shown here only (and to a replay of this very request), never by GET.
      return { status: 201, body: { ...toWebhookResponse(subscription), secret: subscription.secret } };
    });
    res.status(created.status).json(created.body);
  });

  router.get('/', async (req, res) => {
    const organizationId = organizationOf(req);
    const query = parseInput(listWebhooksQuery, req.query);
    const after = decodeCursor(query.cursor);
    const rows = await listSubscriptions(db, organizationId, query.limit, after && { createdAt: after.at, id: after.id });
    res.json({ data: rows.map(toWebhookResponse), next_cursor: nextCursor(rows, query.limit, (row) => row.created_at) });
  });

  router.get('/:id', async (req, res) => {
    res.json(toWebhookResponse(await subscriptionOf(organizationOf(req), req.params.id)));
  });

  router.patch('/:id', async (req, res) => {
    const organizationId = organizationOf(req);
    const existing = await subscriptionOf(organizationId, req.params.id);
    const body = parseInput(updateWebhookBody, req.body);
    await requireOutboundUrl(outbound, body.url, 'url');
    const updated = await updateSubscription(db, organizationId, existing.id, {
      ...(body.url !== undefined && { url: body.url }),
      ...(body.event_types !== undefined && { event_types: body.event_types }),
      ...(body.enabled !== undefined && { enabled: body.enabled }),
      // Whoever enables it again has dealt with the reason; disabling by hand has none to keep.
      ...(body.enabled !== undefined && { disabled_reason: null }),
    });
    if (!updated) throw new NotFound(`webhook ${req.params.id} not found`);
    res.json(toWebhookResponse(updated));
  });

  router.delete('/:id', async (req, res) => {
    const organizationId = organizationOf(req);
    if (!(await deleteSubscription(db, organizationId, pathId(req.params.id, 'webhook')))) {
      throw new NotFound(`webhook ${req.params.id} not found`);
    }
    res.status(204).end();
  });

  router.get('/:id/deliveries', async (req, res) => {
    const organizationId = organizationOf(req);
    const subscription = await subscriptionOf(organizationId, req.params.id);
    const query = parseInput(listWebhooksQuery, req.query);
    const before = decodeCursor(query.cursor);
    const rows = await listDeliveries(db, subscription.id, query.limit, before && { createdAt: before.at, id: before.id });
    res.json({ data: rows.map(toDeliveryResponse), next_cursor: nextCursor(rows, query.limit, (row) => row.created_at) });
  });

  return router;
}
