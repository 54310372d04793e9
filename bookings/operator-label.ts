import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import { findLabelParts, type LabelParts } from '../db/label-parts';
import type { Database } from '../db/schema';

export interface OperatorLabel {
  /** One line for the Temporal UI's list: what is booked, with whom, when (no personal data). */
  summary: string;
  /** Markdown for the workflow's page: the booking's parts and its API routes. */
  details: string;
}

export interface LabelledBooking {
  bookingId: string;
  serviceId: string;
  /** The resources asked for or allocated; null = any of the service's. */
  resourceIds: string[] | null;
  sessionId: string | null;
  start: Date;
  spaces: number;
  customerEmail: string | null;
  /** e.g. "reconciled" for a workflow that adopted an existing booking. */
  note?: string;
}

/**
 * How a booking's workflow introduces itself to an operator in the Temporal UI, e.g.
 * `Consultation · Dr Lee · Mon 7 Dec 10:00 Europe/Paris`.
 */
export async function operatorLabel(db: Kysely<Database>, organizationId: string, booking: LabelledBooking): Promise<OperatorLabel> {
  return labelOf(await findLabelParts(db, organizationId, booking.serviceId, booking.sessionId), booking);
}

/** The label from parts already at hand: the API's reservation has them from its hold's transaction. */
export function labelOf(parts: LabelParts, booking: LabelledBooking): OperatorLabel {
  const resources = [...parts.resources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const named = booking.resourceIds ? resources.filter((resource) => booking.resourceIds!.includes(resource.id)) : resources;
  const zone = parts.sessionZone ?? named[0]?.timezone ?? 'UTC';
  const when = DateTime.fromJSDate(booking.start, { zone }).toFormat('ccc d LLL yyyy HH:mm');
  const who = named.length === 0 ? null : named.length <= 2 ? named.map((resource) => resource.name).join(' / ') : `one of ${named.length} resources`;
  const what = parts.serviceName ?? 'Booking';
  const summary = [
    what, booking.sessionId ? `session, ${booking.spaces} seat(s)` : who, `${when} ${zone}`, booking.note,
  ].filter(Boolean).join(' · ');
  const route = `/v1/bookings/${booking.bookingId}`;
  const details = [
    `### ${what}`,
    `- **Booking:** \`${booking.bookingId}\``,
    `- **Service:** ${what} (\`${booking.serviceId}\`)`,
    `- **Resources:** ${named.map((resource) => `${resource.name} (\`${resource.id}\`)`).join(', ') || '—'}`,
    ...(booking.sessionId ? [`- **Session:** \`${booking.sessionId}\` · ${booking.spaces} seat(s)`] : []),
    `- **Starts:** ${when} ${zone} (${booking.start.toISOString()})`,
    // No personal data here: static details are not encrypted, and a history cannot be rewritten.
    `- **Customer:** ${booking.customerEmail ? `details submitted (\`GET ${route}\`)` : 'details not submitted yet'}`,
    '',
    `API: \`GET ${route}\` · \`GET ${route}/events\` · \`POST ${route}/cancel\``,
  ].join('\n');
  return { summary, details };
}
