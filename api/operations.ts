import { z } from 'zod';
import {
  bookingEventResponse, bookingResponse, callbackDeliveryResponse, cancelBody, checkInBody, createBookingBody, createSessionBookingsBody,
  customerDetails, hostAnswerBody, listBookingsQuery, notificationResponse, rescheduleBookingBody, spacesBody, timezoneQuery,
} from './bookings/schemas';
import { apiKeyResponse, createApiKeyBody, createdApiKeyResponse, listApiKeysQuery } from './api-keys/schemas';
import {
  availabilityDaysResponse, availabilityQueryFields, availabilityResponse, availabilitySearchBody, availabilitySearchResponse,
} from './availability/schemas';
import { organizationResponse, updateOrganizationBody } from './organization/schemas';
import { codecBody, codecQuery, codecResponse } from './codec/schemas';
import { createResourceBody, listResourcesQuery, resourceResponse, updateResourceBody } from './resources/schemas';
import { createServiceBody, listServicesQuery, serviceResponse, updateServiceBody } from './services/schemas';
import {
  cancelSessionBody, createdSeriesResponse, createSessionBody, listSessionsQuery, readSessionQuery, sessionResponse, updateSessionBody,
} from './sessions/schemas';
import {
  calendarConnectionList, calendarConnectionResponse, createCalendarConnectionBody, updateCalendarConnectionBody,
} from './calendar-connections/schemas';
import { createdWebhookResponse, createWebhookBody, deliveryResponse, listWebhooksQuery, updateWebhookBody, webhookResponse } from './webhooks/schemas';

/**
 * Who may call a route: the organization's API key; also the customer's manage token for routes
 * of that one booking; a signed calendar link; or anyone (operations routes).
 */
export type Access = 'api_key' | 'api_key_or_manage_token' | 'api_key_or_calendar_token' | 'public';

/** One route of the HTTP surface: what the OpenAPI document says and what the query guard allows. */
export interface Operation {
  operationId: string;
  tag: 'Resources' | 'Services' | 'Sessions' | 'Bookings' | 'Availability' | 'Calendars' | 'Webhooks' | 'ApiKeys' | 'Organization' | 'Operations';
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI path template; Express's `:id` is `{id}` here. */
  path: string;
  summary: string;
  access: Access;
  /** The query parameters the route accepts; any other is refused (400). Absent: none. */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Absent: the answer has no body (204). */
  response?: z.ZodType;
  /** Default application/json. */
  responseType?: string;
  status: number;
  /** A second success status answered with the same body (202 for a place on a waiting list). */
  alsoStatus?: { status: number; description: string };
  /** Errors besides those every route of its kind can answer (see the document builder). */
  errors: number[];
  /** Answers carry a weak ETag and Cache-Control; If-None-Match with that ETag is answered 304 without a body. */
  revalidates?: true;
  /** A change of something that exists which takes an Idempotency-Key (creating POSTs all do). */
  idempotent?: true;
}

const page = (item: z.ZodType, id: string) => z.object({ data: z.array(item), next_cursor: z.string().nullable() }).meta({ id });
const listOf = (item: z.ZodType, id: string) => z.object({ data: z.array(item) }).meta({ id });

const readyResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ database: z.string(), temporal: z.string(), worker: z.string() })
    .meta({ description: '"ok", or why the dependency is not usable' }),
}).meta({ id: 'Readiness' });

const calendarFeedQuery = z.object({
  token: z.string().max(500).optional().meta({ description: 'The signed token of calendar-url; replaces the Authorization header' }),
});

export const operations: Operation[] = [
  { operationId: 'health', tag: 'Operations', method: 'get', path: '/healthz', summary: 'The process answers', access: 'public', response: z.object({ status: z.literal('ok') }).meta({ id: 'Health' }), status: 200, errors: [] },
  { operationId: 'codecDecode', tag: 'Operations', method: 'post', path: '/codec/decode', summary: 'Temporal remote codec (for the Temporal UI): opens the sealed personal fields of the organization\'s bookings; anonymized ones stay null', access: 'api_key', query: codecQuery, body: codecBody, response: codecResponse, status: 200, errors: [] },
  { operationId: 'codecEncode', tag: 'Operations', method: 'post', path: '/codec/encode', summary: 'Temporal remote codec: answers the payloads as they came (what the UI sends names no booking)', access: 'api_key', query: codecQuery, body: codecBody, response: codecResponse, status: 200, errors: [] },
  { operationId: 'readiness', tag: 'Operations', method: 'get', path: '/readyz', summary: 'The service can do its job: database, Temporal and a worker; 503 names what is missing', access: 'public', response: readyResponse, status: 200, alsoStatus: { status: 503, description: 'Not ready: checks names the dependency that is not usable' }, errors: [] },
  { operationId: 'metrics', tag: 'Operations', method: 'get', path: '/metrics', summary: 'Prometheus metrics of the API (and, in one process, of the worker): with METRICS_TOKEN only for that bearer token; with METRICS_PORT on that port instead; in production without either, not served', access: 'public', response: z.string(), responseType: 'text/plain', status: 200, errors: [] },
  { operationId: 'docs', tag: 'Operations', method: 'get', path: '/docs', summary: 'This reference, rendered by Redoc (served from its npm package, works offline)', access: 'public', response: z.string(), responseType: 'text/html', status: 200, errors: [] },
  { operationId: 'docsScript', tag: 'Operations', method: 'get', path: '/docs/redoc.standalone.js', summary: 'The Redoc bundle the docs page loads', access: 'public', response: z.string(), responseType: 'application/javascript', status: 200, errors: [] },
  { operationId: 'openApiDocument', tag: 'Operations', method: 'get', path: '/openapi.json', summary: 'This document', access: 'public', response: z.record(z.string(), z.unknown()), status: 200, errors: [] },

  { operationId: 'createResource', tag: 'Resources', method: 'post', path: '/v1/resources', summary: 'Create a resource', access: 'api_key', body: createResourceBody, response: resourceResponse, status: 201, errors: [422] },
  { operationId: 'listResources', tag: 'Resources', method: 'get', path: '/v1/resources', summary: 'List resources', access: 'api_key', query: listResourcesQuery, response: page(resourceResponse, 'ResourcePage'), status: 200, errors: [] },
  { operationId: 'getResource', tag: 'Resources', method: 'get', path: '/v1/resources/{id}', summary: 'Read a resource', access: 'api_key', response: resourceResponse, status: 200, errors: [] },
  { operationId: 'updateResource', tag: 'Resources', method: 'patch', path: '/v1/resources/{id}', summary: 'Change a resource', access: 'api_key', body: updateResourceBody, response: resourceResponse, status: 200, errors: [] },
  { operationId: 'connectCalendar', tag: 'Calendars', method: 'post', path: '/v1/resources/{id}/calendars', summary: 'Connect a host\'s calendar (CalDAV with discovery, or an ICS feed): its busy time blocks the resource after each sync (every poll_interval_seconds, default 60: an external edit blocks slots within that window, or at once after POST .../sync; a booking placed over it meanwhile is kept and gets a booking.calendar_conflict event), and a receiving CalDAV calendar gets confirmed bookings; credentials are sealed and never returned', access: 'api_key', body: createCalendarConnectionBody, response: calendarConnectionResponse, status: 201, errors: [409] },
  { operationId: 'listCalendarConnections', tag: 'Calendars', method: 'get', path: '/v1/resources/{id}/calendars', summary: 'The resource\'s calendar connections with their sync state', access: 'api_key', response: calendarConnectionList, status: 200, errors: [] },
  { operationId: 'getCalendarConnection', tag: 'Calendars', method: 'get', path: '/v1/resources/{id}/calendars/{cid}', summary: 'A calendar connection: state (ok, failing, auth_failed), last_synced_at, last_error', access: 'api_key', response: calendarConnectionResponse, status: 200, errors: [] },
  { operationId: 'updateCalendarConnection', tag: 'Calendars', method: 'patch', path: '/v1/resources/{id}/calendars/{cid}', summary: 'Choose which calendars block and which receives, change the poll interval, the tentative switch or the credentials; syncs at once', access: 'api_key', body: updateCalendarConnectionBody, response: calendarConnectionResponse, status: 200, errors: [409] },
  { operationId: 'deleteCalendarConnection', tag: 'Calendars', method: 'delete', path: '/v1/resources/{id}/calendars/{cid}', summary: 'Disconnect: its busy time stops blocking at once, its credentials are shredded and its sync workflow ends', access: 'api_key', status: 204, errors: [] },
  { operationId: 'syncCalendarConnection', tag: 'Calendars', method: 'post', path: '/v1/resources/{id}/calendars/{cid}/sync', summary: 'Sync now and answer when done (the connection as it stands after)', access: 'api_key', response: calendarConnectionResponse, status: 200, errors: [] },
  { operationId: 'getResourceCalendar', tag: 'Calendars', method: 'get', path: '/v1/resources/{id}/calendar.ics', summary: 'Calendar feed of a resource\'s confirmed and completed bookings (the last 90 days and all ahead); API key, or ?token= from calendar-url', access: 'api_key_or_calendar_token', query: calendarFeedQuery, response: z.string(), responseType: 'text/calendar', status: 200, errors: [] },
  { operationId: 'getResourceCalendarUrl', tag: 'Calendars', method: 'get', path: '/v1/resources/{id}/calendar-url', summary: 'A signed URL of the resource\'s calendar feed (?token=) that needs no Authorization header', access: 'api_key', response: z.object({ url: z.string(), webcal_url: z.string() }).meta({ id: 'CalendarUrl' }), status: 200, errors: [] },

  { operationId: 'createService', tag: 'Services', method: 'post', path: '/v1/services', summary: 'Create a service', access: 'api_key', body: createServiceBody, response: serviceResponse, status: 201, errors: [404, 409, 422] },
  { operationId: 'listServices', tag: 'Services', method: 'get', path: '/v1/services', summary: 'List services', access: 'api_key', query: listServicesQuery, response: page(serviceResponse, 'ServicePage'), status: 200, errors: [] },
  { operationId: 'getService', tag: 'Services', method: 'get', path: '/v1/services/{id}', summary: 'Read a service', access: 'api_key', response: serviceResponse, status: 200, errors: [] },
  { operationId: 'updateService', tag: 'Services', method: 'patch', path: '/v1/services/{id}', summary: 'Change a service', access: 'api_key', body: updateServiceBody, response: serviceResponse, status: 200, errors: [409] },

  { operationId: 'createSession', tag: 'Sessions', method: 'post', path: '/v1/sessions', summary: 'Create a group session, or with a recurrence rule its occurrences (answered as {series_id, data})', access: 'api_key', body: createSessionBody, response: z.union([sessionResponse, createdSeriesResponse]).meta({ id: 'CreatedSessions' }), status: 201, errors: [404, 409, 422] },
  { operationId: 'listSessions', tag: 'Sessions', method: 'get', path: '/v1/sessions', summary: 'List sessions with seats taken, seats left and waiting-list length', access: 'api_key', query: listSessionsQuery as unknown as z.ZodObject, response: page(sessionResponse, 'SessionPage'), status: 200, errors: [] },
  { operationId: 'getSession', tag: 'Sessions', method: 'get', path: '/v1/sessions/{id}', summary: 'Read a session; include=bookings adds the attendee list', access: 'api_key', query: readSessionQuery, response: sessionResponse, status: 200, errors: [] },
  { operationId: 'updateSession', tag: 'Sessions', method: 'patch', path: '/v1/sessions/{id}', summary: 'Change the capacity or the waiting list\'s size; added seats promote waiting bookings', access: 'api_key', body: updateSessionBody, response: sessionResponse, status: 200, errors: [409] },
  { operationId: 'cancelSession', tag: 'Sessions', method: 'post', path: '/v1/sessions/{id}/cancel', summary: 'Cancel a session and, each through its own workflow, every booking of it', access: 'api_key', body: cancelSessionBody, response: sessionResponse.extend({ cancelled_booking_ids: z.array(z.string()) }).meta({ id: 'CancelledSession' }), status: 200, errors: [] },

  { operationId: 'createBooking', tag: 'Bookings', method: 'post', path: '/v1/bookings', summary: 'Reserve: answers once the hold exists (201), or the place on a session\'s waiting list (202), or the refusal (409)', access: 'api_key', query: timezoneQuery, body: createBookingBody, response: bookingResponse, status: 201, alsoStatus: { status: 202, description: 'Waitlisted: the place on the session\'s waiting list (waitlist_position)' }, errors: [404, 409, 422] },
  { operationId: 'createSessionBookings', tag: 'Bookings', method: 'post', path: '/v1/bookings/batch', summary: 'Book several sessions for one customer, all held or none (409 names the session)', access: 'api_key', query: timezoneQuery, body: createSessionBookingsBody, response: listOf(bookingResponse, 'BookingBatch'), status: 201, errors: [404, 409, 422] },
  { operationId: 'listBookings', tag: 'Bookings', method: 'get', path: '/v1/bookings', summary: 'List bookings, filtered', access: 'api_key', query: listBookingsQuery as unknown as z.ZodObject, response: page(bookingResponse, 'BookingPage'), status: 200, errors: [] },
  { operationId: 'getBooking', tag: 'Bookings', method: 'get', path: '/v1/bookings/{id}', summary: 'Read a booking', access: 'api_key_or_manage_token', query: timezoneQuery, response: bookingResponse, status: 200, errors: [] },
  { operationId: 'listBookingEvents', tag: 'Bookings', method: 'get', path: '/v1/bookings/{id}/events', summary: 'The booking\'s transitions, oldest first', access: 'api_key_or_manage_token', query: timezoneQuery, response: listOf(bookingEventResponse, 'BookingEventList'), status: 200, errors: [] },
  { operationId: 'listBookingNotifications', tag: 'Bookings', method: 'get', path: '/v1/bookings/{id}/notifications', summary: 'E-mails sent (or queued) about the booking', access: 'api_key_or_manage_token', query: timezoneQuery, response: listOf(notificationResponse, 'NotificationList'), status: 200, errors: [] },
  { operationId: 'resendBookingNotification', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/notifications/{nid}/resend', summary: 'Send one of the booking\'s e-mails again as it was rendered (409 mail_off without SMTP_URL, message_not_stored once anonymized); answers the notification with its new status', access: 'api_key', query: timezoneQuery, response: notificationResponse, status: 200, errors: [409] },
  { operationId: 'submitBookingDetails', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/details', summary: 'Submit the customer\'s details for a held booking', access: 'api_key_or_manage_token', query: timezoneQuery, body: customerDetails, response: bookingResponse, status: 200, errors: [409, 422], idempotent: true },
  { operationId: 'confirmBooking', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/confirm', summary: 'Host approves a booking pending approval', access: 'api_key', query: timezoneQuery, body: hostAnswerBody, response: bookingResponse, status: 200, errors: [409, 422], idempotent: true },
  { operationId: 'suspendBooking', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/suspend', summary: 'Host moves a seated session booking back to the waiting list; its seats go to the next waiting booking', access: 'api_key', query: timezoneQuery, body: hostAnswerBody, response: bookingResponse, status: 200, errors: [409, 422], idempotent: true },
  { operationId: 'acceptBooking', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/accept', summary: 'Host gives a waiting session booking free seats ahead of its turn (409 session_full if none)', access: 'api_key', query: timezoneQuery, body: hostAnswerBody, response: bookingResponse, status: 200, errors: [409, 422], idempotent: true },
  { operationId: 'declineBooking', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/decline', summary: 'Host declines a booking pending approval', access: 'api_key', query: timezoneQuery, body: hostAnswerBody, response: bookingResponse, status: 200, errors: [409, 422], idempotent: true },
  { operationId: 'checkInBooking', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/check-in', summary: 'Record presence or absence; after the end the booking becomes completed or no_show', access: 'api_key', query: timezoneQuery, body: checkInBody, response: bookingResponse, status: 200, errors: [409, 422], idempotent: true },
  { operationId: 'reduceBookingSpaces', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/spaces', summary: 'Give seats of a session booking back; they go to the waiting list', access: 'api_key_or_manage_token', query: timezoneQuery, body: spacesBody, response: bookingResponse, status: 200, errors: [409, 422], idempotent: true },
  { operationId: 'rescheduleBooking', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/reschedule', summary: 'Move a held, pending or confirmed booking to another time; 409 with the refusal code keeps the old time', access: 'api_key_or_manage_token', query: timezoneQuery, body: rescheduleBookingBody, response: bookingResponse, status: 200, errors: [409, 422], idempotent: true },
  { operationId: 'listBookingCallbacks', tag: 'Bookings', method: 'get', path: '/v1/bookings/{id}/callbacks', summary: 'Attempts to POST the booking\'s own callbacks to its callback_url', access: 'api_key', response: z.object({ callback_url: z.string().nullable(), data: z.array(callbackDeliveryResponse) }).meta({ id: 'BookingCallbackList' }), status: 200, errors: [] },
  { operationId: 'cancelBooking', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/cancel', summary: 'Cancel a booking that has not ended', access: 'api_key_or_manage_token', query: timezoneQuery, body: cancelBody, response: bookingResponse, status: 200, errors: [409, 422], idempotent: true },
  { operationId: 'anonymizeBooking', tag: 'Bookings', method: 'post', path: '/v1/bookings/{id}/anonymize', summary: 'Erase the customer\'s personal data from the booking, its audit log, e-mails, webhook events and Temporal (times, status and counts stay); idempotent', access: 'api_key', query: timezoneQuery, response: bookingResponse, status: 200, errors: [] },
  { operationId: 'getBookingCalendar', tag: 'Calendars', method: 'get', path: '/v1/bookings/{id}/ics', summary: 'The booking as an RFC 5545 calendar file', access: 'api_key_or_manage_token', response: z.string(), responseType: 'text/calendar', status: 200, errors: [] },

  { operationId: 'listAvailability', tag: 'Availability', method: 'get', path: '/v1/availability', summary: 'Bookable slots of a service over local dates (at most 62 days), with the seats left', access: 'api_key', query: availabilityQueryFields, response: availabilityResponse, status: 200, errors: [404], revalidates: true },
  { operationId: 'searchAvailability', tag: 'Availability', method: 'post', path: '/v1/availability/search', summary: 'Slots over up to 10 ranges (of local dates, or of instants as Appointedd sends them) in one request (62 days in all), answered per range', access: 'api_key', body: availabilitySearchBody, response: availabilitySearchResponse, status: 200, errors: [404] },
  { operationId: 'listAvailabilityDays', tag: 'Availability', method: 'get', path: '/v1/availability/days', summary: 'The same slots grouped by local day, days without slots included', access: 'api_key', query: availabilityQueryFields, response: availabilityDaysResponse, status: 200, errors: [404], revalidates: true },

  { operationId: 'createWebhook', tag: 'Webhooks', method: 'post', path: '/v1/webhooks', summary: 'Subscribe a URL to booking events; the signing secret is returned only here', access: 'api_key', body: createWebhookBody, response: createdWebhookResponse, status: 201, errors: [422] },
  { operationId: 'listWebhooks', tag: 'Webhooks', method: 'get', path: '/v1/webhooks', summary: 'List webhook subscriptions', access: 'api_key', query: listWebhooksQuery, response: page(webhookResponse, 'WebhookPage'), status: 200, errors: [] },
  { operationId: 'getWebhook', tag: 'Webhooks', method: 'get', path: '/v1/webhooks/{id}', summary: 'Read a webhook subscription', access: 'api_key', response: webhookResponse, status: 200, errors: [] },
  { operationId: 'updateWebhook', tag: 'Webhooks', method: 'patch', path: '/v1/webhooks/{id}', summary: 'Change a webhook subscription; enabled: true re-enables one disabled by a 410', access: 'api_key', body: updateWebhookBody, response: webhookResponse, status: 200, errors: [] },
  { operationId: 'deleteWebhook', tag: 'Webhooks', method: 'delete', path: '/v1/webhooks/{id}', summary: 'Delete a webhook subscription and its delivery log', access: 'api_key', status: 204, errors: [] },
  { operationId: 'listWebhookDeliveries', tag: 'Webhooks', method: 'get', path: '/v1/webhooks/{id}/deliveries', summary: 'Delivery attempts of a subscription, newest first', access: 'api_key', query: listWebhooksQuery, response: page(deliveryResponse, 'WebhookDeliveryPage'), status: 200, errors: [] },
  { operationId: 'getOrganization', tag: 'Organization', method: 'get', path: '/v1/organization', summary: 'The organization\'s name and logo (branding of the booking pages and e-mails) and its retention period', access: 'api_key', response: organizationResponse, status: 200, errors: [] },
  { operationId: 'updateOrganization', tag: 'Organization', method: 'patch', path: '/v1/organization', summary: 'Change the organization\'s name, logo, retention period (retention_days: ended bookings are anonymized that long after their end), page slug or embed origins', access: 'api_key', body: updateOrganizationBody, response: organizationResponse, status: 200, errors: [409] },
  { operationId: 'createApiKey', tag: 'ApiKeys', method: 'post', path: '/v1/api-keys', summary: 'Create an API key of the caller\'s organization; the key is returned only here', access: 'api_key', body: createApiKeyBody, response: createdApiKeyResponse, status: 201, errors: [422] },
  { operationId: 'listApiKeys', tag: 'ApiKeys', method: 'get', path: '/v1/api-keys', summary: 'List the organization\'s API keys (never the keys themselves)', access: 'api_key', query: listApiKeysQuery, response: page(apiKeyResponse, 'ApiKeyPage'), status: 200, errors: [] },
  { operationId: 'getApiKey', tag: 'ApiKeys', method: 'get', path: '/v1/api-keys/{id}', summary: 'Read an API key\'s name, prefix, last use and revocation', access: 'api_key', response: apiKeyResponse, status: 200, errors: [] },
  { operationId: 'revokeApiKey', tag: 'ApiKeys', method: 'post', path: '/v1/api-keys/{id}/revoke', summary: 'Revoke an API key: refused from the next request on', access: 'api_key', response: apiKeyResponse, status: 200, errors: [] },
];
