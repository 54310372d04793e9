export interface OperatorLabel {
  /** One line for the Temporal UI's list: the service and the booking (no personal data). */
  summary: string;
  /** Markdown for the workflow's page: the booking's ids and its API routes. */
  details: string;
}

export interface LabelledBooking {
  bookingId: string;
  serviceId: string;
  /** The service's name when the workflow starts. */
  serviceName: string;
  sessionId: string | null;
  /** e.g. "resumed by the reconciler" for a workflow that adopted an existing booking. */
  note?: string;
}

/**
 * How a booking's workflow introduces itself to an operator in the Temporal UI, e.g.
 * `Consultation · booking 6f1c2a9e-…`. Static fields are written once at start and never again, so
 * they hold only what cannot change (the service, the ids, the routes); the time, the resources
 * and the customer's state can, and are the workflow's current details (describeProgress).
 */
export function operatorLabel(booking: LabelledBooking): OperatorLabel {
  const summary = [booking.serviceName, `booking ${booking.bookingId}`, booking.note].filter(Boolean).join(' · ');
  const route = `/v1/bookings/${booking.bookingId}`;
  const details = [
    `### ${booking.serviceName}`,
    `- **Booking:** \`${booking.bookingId}\``,
    `- **Service:** ${booking.serviceName} (\`${booking.serviceId}\`)`,
    ...(booking.sessionId ? [`- **Session:** \`${booking.sessionId}\``] : []),
    '',
    'Where it stands (time, resources, customer) is in the current details below.',
    '',
    `API: \`GET ${route}\` · \`GET ${route}/events\` · \`POST ${route}/cancel\``,
  ].join('\n');
  return { summary, details };
}
