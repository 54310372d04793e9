import ical, { type VEvent } from 'node-ical';
import { bookingInvitation } from '../../bookings/booking-invitation';
import { composeBookingMail, describeOffset, type BookingMailInput } from '../../activities/compose-booking-mail';
import type { Booking } from '../../db/schema';

const booking = {
  id: '6f1c2a9e-1111-4222-8333-444455556666', organization_id: 'o', service_id: 's', status: 'confirmed',
  start_at: new Date('2026-12-07T09:00:00Z'), end_at: new Date('2026-12-07T09:30:00Z'), timezone: 'Europe/Paris',
  resource_ids: ['r'], spaces: 1, customer_name: 'Ada <script>', customer_email: 'ada@example.com', customer_phone: null,
  notes: null, metadata: {}, hold_expires_at: null, approval_expires_at: null, checked_in: null, check_in_reason: null,
  callback_url: null, callback_secret: null, session_id: null, waitlist_seq: null, exclusive_customer: false,
  customer_timezone: 'America/New_York', booking_fields: { topic: 'Back pain' }, extra_emails: [],
  created_at: new Date('2026-11-01T00:00:00Z'), updated_at: new Date('2026-11-01T00:00:10Z'), revision: 3, locale: null,
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
  expect(mail.subject).toBe('Booking cancelled: Consultation, Mon 7 Dec 2026, 04:00');
  expect(mail.text).toContain('Your booking was cancelled by the host. Reason: ill');
  expect(mail.text).toContain('When: Monday 7 December 2026, 04:00–04:30 (America/New_York)');
  expect(mail.text).toContain('Topic: Back pain');
  expect(mail.html).toContain('Ada &#60;script&#62;');
  expect(mail.html).not.toContain('<script>');
  expect(mail.method).toBe('CANCEL');
});

test('the invitation carries METHOD, the booking\'s one revision as SEQUENCE, and the zone', () => {
  const text = bookingInvitation({
    booking, service: input.service, organizerName: 'Clinique', zone: 'America/New_York', method: 'CANCEL',
    manageUrl: input.manageUrl, now: new Date('2026-11-02T00:00:00Z'),
  });
  expect(text).toMatch(/^METHOD:CANCEL/m);
  expect(text).toMatch(/^SEQUENCE:3$/m);
  const event = Object.values(ical.sync.parseICS(text)).find((component) => component?.type === 'VEVENT') as VEvent;
  expect(event.start.tz).toBe('America/New_York');
  expect(event.start.getTime()).toBe(booking.start_at.getTime());
  expect(event.description).toContain('Topic: Back pain');
});

test('the actor is phrased for each reader: the customer is "you" to the customer and "the customer" to the host', () => {
  const byCustomer = { ...input, actor: 'customer', reason: null };
  expect(composeBookingMail(byCustomer).text).toContain('Your booking was cancelled by you.');
  const host = composeBookingMail({ ...byCustomer, kind: 'host_cancelled', zone: 'Europe/Paris' });
  expect(host.text).toContain('was cancelled by the customer.');
  expect(host.text).not.toContain('by you');
  expect(host.subject).toBe('Booking cancelled: Consultation, Mon 7 Dec 2026, 10:00 · Ada <script>');
});

test('a moved booking tells the host and sends them the invitation again', () => {
  const moved = composeBookingMail({ ...input, kind: 'host_rescheduled', zone: 'Europe/Paris', previousStart: new Date('2026-12-06T09:00:00Z') });
  expect(moved.method).toBe('REQUEST');
  expect(moved.text).toContain('has moved from Sunday 6 December 2026, 10:00–10:30 (Europe/Paris) to the time below');
  expect(moved.subject).toMatch(/^Booking moved: Consultation, Mon 7 Dec 2026, 10:00/);
});

test('units agree with their number, in English and French', () => {
  expect(describeOffset(3600)).toBe('1 hour');
  expect(describeOffset(7200)).toBe('2 hours');
  expect(describeOffset(86_400)).toBe('1 day');
  expect(describeOffset(900)).toBe('15 minutes');
  expect(describeOffset(3600, 'fr')).toBe('1 heure');
  expect(describeOffset(172_800, 'fr')).toBe('2 jours');
});

test('the meeting link is a hyperlink; a booking made in French is written in French', () => {
  const withLink = { ...input, kind: 'reminder' as const, offsetSeconds: 3600, service: { ...input.service, meeting_url: 'https://meet.example.com/a?b=1&c=2' } };
  const english = composeBookingMail(withLink);
  expect(english.html).toContain('<a href="https://meet.example.com/a?b=1&#38;c=2">');
  expect(english.text).toContain('This is a reminder of your booking in 1 hour.');
  const french = composeBookingMail({ ...withLink, locale: 'fr' });
  expect(french.subject).toBe('Rappel: Consultation, lun. 7 déc. 2026, 04h00');
  expect(french.text).toContain('Ceci est un rappel de votre réservation dans 1 heure.');
  expect(french.text).toContain('Quand: lundi 7 décembre 2026, 04h00–04h30 (America/New_York)');
  expect(french.html).toContain('<html lang="fr">');
  // A javascript: link stays text.
  const hostile = composeBookingMail({ ...withLink, service: { ...input.service, meeting_url: 'javascript:alert(1)' } });
  expect(hostile.html).not.toContain('<a href="javascript');
});
