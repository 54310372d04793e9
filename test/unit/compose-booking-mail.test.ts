import ical, { type VEvent } from 'node-ical';
import { bookingInvitation } from '../../bookings/booking-invitation';
import { composeBookingMail, type BookingMailInput } from '../../activities/compose-booking-mail';
import type { Booking } from '../../db/schema';

const booking = {
  id: '6f1c2a9e-1111-4222-8333-444455556666', organization_id: 'o', service_id: 's', status: 'confirmed',
  start_at: new Date('2026-12-07T09:00:00Z'), end_at: new Date('2026-12-07T09:30:00Z'), timezone: 'Europe/Paris',
  resource_ids: ['r'], spaces: 1, customer_name: 'Ada <script>', customer_email: 'ada@example.com', customer_phone: null,
  notes: null, metadata: {}, hold_expires_at: null, approval_expires_at: null, checked_in: null, check_in_reason: null,
  callback_url: null, callback_secret: null, session_id: null, waitlist_seq: null, exclusive_customer: false,
  customer_timezone: 'America/New_York', booking_fields: { topic: 'Back pain' }, extra_emails: [],
  created_at: new Date('2026-11-01T00:00:00Z'), updated_at: new Date('2026-11-01T00:00:10Z'),
} as unknown as Booking;

const input: BookingMailInput = {
  kind: 'cancelled', booking, zone: 'America/New_York', manageUrl: 'https://book.example.com/manage/mt_x',
  service: {
    name: 'Consultation', location: 'Paris', meeting_url: null, primary_color: '#123456', secondary_color: null,
    booking_fields: [{ name: 'topic', label: 'Topic', type: 'text', required: true, default: null, options: [] }],
  },
  hosts: [{ name: 'Dr Lee' }], branding: { organizationId: 'o', name: 'Clinique', logoUrl: null }, actor: 'host', reason: 'ill',
};

test('a cancellation names who and why, in the reader\'s zone, and withdraws the invitation', () => {
  const mail = composeBookingMail(input);
  expect(mail.subject).toBe('Booking cancelled: Consultation');
  expect(mail.text).toContain('Your booking was cancelled by the host. Reason: ill');
  expect(mail.text).toContain('When: Monday 7 December 2026, 04:00–04:30 (America/New_York)');
  expect(mail.text).toContain('Topic: Back pain');
  expect(mail.html).toContain('Ada &#60;script&#62;');
  expect(mail.html).not.toContain('<script>');
  expect(mail.method).toBe('CANCEL');
});

test('the invitation carries METHOD, a SEQUENCE above the calendar file\'s, and the zone', () => {
  const text = bookingInvitation({
    booking, service: input.service, organizerName: 'Clinique', zone: 'America/New_York', method: 'CANCEL',
    manageUrl: input.manageUrl, now: new Date('2026-11-02T00:00:00Z'), revisions: 3,
  });
  expect(text).toMatch(/^METHOD:CANCEL/m);
  expect(text).toMatch(/^SEQUENCE:13$/m);
  const event = Object.values(ical.sync.parseICS(text)).find((component) => component?.type === 'VEVENT') as VEvent;
  expect(event.start.tz).toBe('America/New_York');
  expect(event.start.getTime()).toBe(booking.start_at.getTime());
  expect(event.description).toContain('Topic: Back pain');
});
