import { z } from 'zod';
import {
  bookingResponse, callbackDeliveryResponse, cancelBody, checkInBody, createBookingBody, createSessionBookingsBody, customerDetails,
  hostAnswerBody, listBookingsQuery, rescheduleBookingBody, spacesBody,
} from './bookings/schemas';
import { availabilityDaysResponse, availabilityQueryFields, availabilityResponse } from './availability/schemas';
import { problemSchema } from './common-schemas';
import { organizationResponse, updateOrganizationBody } from './organization/schemas';
import { createResourceBody, resourceResponse, updateResourceBody } from './resources/schemas';
import { createServiceBody, serviceResponse, updateServiceBody } from './services/schemas';
import {
  cancelSessionBody, createdSeriesResponse, createSessionBody, listSessionsQuery, readSessionQuery, sessionResponse, updateSessionBody,
} from './sessions/schemas';
import { createdWebhookResponse, createWebhookBody, deliveryResponse, listWebhooksQuery, updateWebhookBody, webhookResponse } from './webhooks/schemas';

interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  /** Absent: the answer has no body (204). */
  response?: z.ZodType;
  /** Default application/json; calendar files are text/calendar. */
  responseType?: string;
  status: number;
  /** A second success status answered with the same body (202 for a place on a waiting list). */
  alsoStatus?: { status: number; description: string };
  errors: number[];
}

const page = (item: z.ZodType) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });

const operations: Operation[] = [
  { method: 'get', path: '/v1/organization', summary: 'The organization\'s name and logo (branding of pages and e-mails)', response: organizationResponse, status: 200, errors: [401] },
  { method: 'patch', path: '/v1/organization', summary: 'Change the organization\'s name or logo', body: updateOrganizationBody, response: organizationResponse, status: 200, errors: [400, 401] },
  { method: 'post', path: '/v1/resources', summary: 'Create a resource', body: createResourceBody, response: resourceResponse, status: 201, errors: [400, 401, 422] },
  { method: 'get', path: '/v1/resources', summary: 'List resources', response: page(resourceResponse), status: 200, errors: [400, 401] },
  { method: 'get', path: '/v1/resources/{id}', summary: 'Read a resource', response: resourceResponse, status: 200, errors: [401, 404] },
  { method: 'patch', path: '/v1/resources/{id}', summary: 'Change a resource', body: updateResourceBody, response: resourceResponse, status: 200, errors: [400, 401, 404] },
  { method: 'post', path: '/v1/services', summary: 'Create a service', body: createServiceBody, response: serviceResponse, status: 201, errors: [400, 401, 404, 422] },
  { method: 'get', path: '/v1/services', summary: 'List services', response: page(serviceResponse), status: 200, errors: [400, 401] },
  { method: 'get', path: '/v1/services/{id}', summary: 'Read a service', response: serviceResponse, status: 200, errors: [401, 404] },
  { method: 'patch', path: '/v1/services/{id}', summary: 'Change a service', body: updateServiceBody, response: serviceResponse, status: 200, errors: [400, 401, 404] },
  { method: 'post', path: '/v1/sessions', summary: 'Create a group session, or with a recurrence rule its occurrences (answered as {series_id, data})', body: createSessionBody, response: z.union([sessionResponse, createdSeriesResponse]), status: 201, errors: [400, 401, 404, 409, 422] },
  { method: 'get', path: '/v1/sessions', summary: 'List sessions with seats taken, seats left and waiting-list length', query: listSessionsQuery as unknown as z.ZodObject, response: page(sessionResponse), status: 200, errors: [400, 401] },
  { method: 'get', path: '/v1/sessions/{id}', summary: 'Read a session; include=bookings adds the attendee list', query: readSessionQuery, response: sessionResponse, status: 200, errors: [400, 401, 404] },
  { method: 'patch', path: '/v1/sessions/{id}', summary: 'Change the capacity or the waiting list\'s size; added seats promote waiting bookings', body: updateSessionBody, response: sessionResponse, status: 200, errors: [400, 401, 404, 409] },
  { method: 'post', path: '/v1/sessions/{id}/cancel', summary: 'Cancel a session and, each through its own workflow, every booking of it', body: cancelSessionBody, response: sessionResponse.extend({ cancelled_booking_ids: z.array(z.string()) }), status: 200, errors: [400, 401, 404] },
  { method: 'post', path: '/v1/bookings', summary: 'Reserve: answers once the hold exists (201), or the place on a session\'s waiting list (202), or the refusal (409)', body: createBookingBody, response: bookingResponse, status: 201, alsoStatus: { status: 202, description: 'Waitlisted: the place on the session\'s waiting list (waitlist_position)' }, errors: [400, 401, 404, 409, 422, 503] },
  { method: 'post', path: '/v1/bookings/batch', summary: 'Book several sessions for one customer, all held or none (409 names the session)', body: createSessionBookingsBody, response: z.object({ data: z.array(bookingResponse) }), status: 201, errors: [400, 401, 404, 409, 422] },
  { method: 'post', path: '/v1/bookings/{id}/spaces', summary: 'Give seats of a session booking back; they go to the waiting list', body: spacesBody, response: bookingResponse, status: 200, errors: [400, 401, 404, 409] },
  { method: 'get', path: '/v1/bookings', summary: 'List bookings', query: listBookingsQuery as unknown as z.ZodObject, response: page(bookingResponse), status: 200, errors: [400, 401] },
  { method: 'get', path: '/v1/bookings/{id}', summary: 'Read a booking', response: bookingResponse, status: 200, errors: [401, 404] },
  { method: 'post', path: '/v1/bookings/{id}/details', summary: 'Submit the customer\'s details for a held booking', body: customerDetails, response: bookingResponse, status: 200, errors: [400, 401, 404, 409] },
  { method: 'post', path: '/v1/bookings/{id}/confirm', summary: 'Host approves a booking pending approval', body: hostAnswerBody, response: bookingResponse, status: 200, errors: [400, 401, 404, 409] },
  { method: 'post', path: '/v1/bookings/{id}/decline', summary: 'Host declines a booking pending approval', body: hostAnswerBody, response: bookingResponse, status: 200, errors: [400, 401, 404, 409] },
  { method: 'post', path: '/v1/bookings/{id}/check-in', summary: 'Record presence or absence; after the end the booking becomes completed or no_show', body: checkInBody, response: bookingResponse, status: 200, errors: [400, 401, 404, 409] },
  { method: 'post', path: '/v1/bookings/{id}/reschedule', summary: 'Move a held, pending or confirmed booking to another time; 409 with the refusal code keeps the old time', body: rescheduleBookingBody, response: bookingResponse, status: 200, errors: [400, 401, 404, 409] },
  { method: 'get', path: '/v1/bookings/{id}/callbacks', summary: 'Attempts to POST the booking\'s own callbacks to its callback_url', response: z.object({ callback_url: z.string().nullable(), data: z.array(callbackDeliveryResponse) }), status: 200, errors: [401, 403, 404] },
  { method: 'post', path: '/v1/bookings/{id}/cancel', summary: 'Cancel a booking that has not ended', body: cancelBody, response: bookingResponse, status: 200, errors: [400, 401, 404, 409] },
  { method: 'get', path: '/v1/availability', summary: 'Bookable slots of a service over local dates (at most 62 days), with the seats left', query: availabilityQueryFields, response: availabilityResponse, status: 200, errors: [400, 401, 404] },
  { method: 'get', path: '/v1/availability/days', summary: 'The same slots grouped by local day, days without slots included', query: availabilityQueryFields, response: availabilityDaysResponse, status: 200, errors: [400, 401, 404] },
  { method: 'get', path: '/v1/bookings/{id}/ics', summary: 'The booking as an RFC 5545 calendar file (API key or the booking\'s manage token)', response: z.string(), responseType: 'text/calendar', status: 200, errors: [401, 404] },
  { method: 'get', path: '/v1/resources/{id}/calendar.ics', summary: 'Calendar feed of a resource\'s confirmed and completed bookings (the last 90 days and all ahead); API key, or ?token= from calendar-url', response: z.string(), responseType: 'text/calendar', status: 200, errors: [401, 404] },
  { method: 'get', path: '/v1/resources/{id}/calendar-url', summary: 'A signed URL of the resource\'s calendar feed (?token=) that needs no Authorization header', response: z.object({ url: z.string(), webcal_url: z.string() }), status: 200, errors: [401, 403, 404] },
  { method: 'post', path: '/v1/webhooks', summary: 'Subscribe a URL to booking events; the signing secret is returned only here', body: createWebhookBody, response: createdWebhookResponse, status: 201, errors: [400, 401, 422] },
  { method: 'get', path: '/v1/webhooks', summary: 'List webhook subscriptions', query: listWebhooksQuery, response: page(webhookResponse), status: 200, errors: [400, 401] },
  { method: 'get', path: '/v1/webhooks/{id}', summary: 'Read a webhook subscription', response: webhookResponse, status: 200, errors: [401, 404] },
  { method: 'patch', path: '/v1/webhooks/{id}', summary: 'Change a webhook subscription; enabled: true re-enables one disabled by a 410', body: updateWebhookBody, response: webhookResponse, status: 200, errors: [400, 401, 404] },
  { method: 'delete', path: '/v1/webhooks/{id}', summary: 'Delete a webhook subscription and its delivery log', status: 204, errors: [401, 404] },
  { method: 'get', path: '/v1/webhooks/{id}/deliveries', summary: 'Delivery attempts of a subscription, newest first', query: listWebhooksQuery, response: page(deliveryResponse), status: 200, errors: [400, 401, 404] },
];

function schemaOf(schema: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' });
}

/** Built from the same zod schemas that validate requests, so the document cannot drift. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const parameters = [
      ...(operation.path.includes('{id}') ? [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }] : []),
      ...Object.entries(operation.query?.shape ?? {}).map(([name, schema]) => ({
        name, in: 'query', required: false, schema: schemaOf(schema as z.ZodType, 'input'),
      })),
      ...(operation.method === 'post' && !operation.path.includes('{id}')
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }]
        : []),
    ];
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method]: {
        summary: operation.summary,
        parameters,
        ...(operation.body && {
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(operation.body, 'input') } } },
        }),
        responses: {
          [operation.status]: operation.response
            ? { description: 'OK', content: { [operation.responseType ?? 'application/json']: { schema: schemaOf(operation.response, 'output') } } }
            : { description: 'No content' },
          ...(operation.alsoStatus && operation.response && {
            [operation.alsoStatus.status]: {
              description: operation.alsoStatus.description,
              content: { 'application/json': { schema: schemaOf(operation.response, 'output') } },
            },
          }),
          ...Object.fromEntries(operation.errors.map((status) => [status, {
            description: 'Problem', content: { 'application/problem+json': { schema: schemaOf(problemSchema, 'output') } },
          }])),
        },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Booking orchestrator', version: '1' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
