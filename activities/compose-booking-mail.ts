import { DateTime } from 'luxon';
import type { Booking, Resource, Service } from '../db/schema';
import type { Branding } from '../db/customer-pages';
import type { BookingMailKind } from '../domain/booking-types';
import { describeAnswers, type InvitationMethod } from '../bookings/booking-invitation';

export type { BookingMailKind };

export interface BookingMailInput {
  kind: BookingMailKind;
  booking: Booking;
  service: Pick<Service, 'name' | 'location' | 'meeting_url' | 'booking_fields' | 'primary_color' | 'secondary_color'>;
  hosts: Pick<Resource, 'name'>[];
  branding: Branding;
  /** The zone the reader sees times in. */
  zone: string;
  manageUrl: string | null;
  /** A cancellation's or a decline's: who and why. */
  actor?: string | null;
  reason?: string | null;
  /** A reschedule's old start. */
  previousStart?: Date | null;
  /** A reminder's distance to the start. */
  offsetSeconds?: number;
}

export interface ComposedMail { subject: string; text: string; html: string; method: InvitationMethod }

export function formatWhen(start: Date, end: Date, zone: string): string {
  const from = DateTime.fromJSDate(start, { zone });
  const to = DateTime.fromJSDate(end, { zone });
  return `${from.toFormat('cccc d LLLL yyyy, HH:mm')}–${to.toFormat('HH:mm')} (${zone})`;
}

function describeOffset(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day(s)`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour(s)`;
  return `${Math.round(seconds / 60)} minute(s)`;
}

const ACTORS: Record<string, string> = { customer: 'you', host: 'the host', organization: 'the business', system: 'the system' };

function headline(input: BookingMailInput): { subject: string; opening: string } {
  const { service, booking } = input;
  const who = ACTORS[input.actor ?? ''] ?? input.actor ?? 'the business';
  const why = input.reason ? ` Reason: ${input.reason}` : '';
  const customer = booking.customer_name ?? booking.customer_email ?? 'a customer';
  switch (input.kind) {
    case 'received':
      return { subject: `Booking received: ${service.name}`, opening: 'We have received your booking. It is awaiting the host\'s approval; you will hear from us again.' };
    case 'confirmed':
      return { subject: `Booking confirmed: ${service.name}`, opening: 'Your booking is confirmed.' };
    case 'declined':
      return { subject: `Booking declined: ${service.name}`, opening: `Your booking was declined by the host.${why}` };
    case 'cancelled':
      return { subject: `Booking cancelled: ${service.name}`, opening: `Your booking was cancelled by ${who}.${why}` };
    case 'rescheduled': {
      const before = input.previousStart
        ? formatWhen(input.previousStart, new Date(input.previousStart.getTime() + booking.end_at.getTime() - booking.start_at.getTime()), input.zone)
        : 'its earlier time';
      return { subject: `Booking rescheduled: ${service.name}`, opening: `Your booking has moved from ${before} to the time below.` };
    }
    case 'reminder':
      return {
        subject: `Reminder: your booking on ${DateTime.fromJSDate(booking.start_at, { zone: input.zone }).toFormat("cccc d LLLL yyyy 'at' HH:mm")}`,
        opening: `This is a reminder of your booking in ${describeOffset(input.offsetSeconds ?? 0)}.`,
      };
    case 'host_new_booking':
      return { subject: `New booking: ${service.name}, ${customer}`, opening: `${customer} booked ${service.name}.` };
    case 'host_cancelled':
      return { subject: `Booking cancelled: ${service.name}, ${customer}`, opening: `The booking of ${customer} was cancelled by ${who}.${why}` };
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Only colours that cannot break out of a style attribute. */
function safeColour(value: string | null, fallback: string): string {
  return value && /^#[0-9a-f]{3,8}$/i.test(value) ? value : fallback;
}

/**
 * The text and HTML of one e-mail about a booking, in the reader's zone: what happened, the
 * service, the time, the place or link, the booker's answers, the business and the manage link.
 */
export function composeBookingMail(input: BookingMailInput): ComposedMail {
  const { booking, service, branding } = input;
  const { subject, opening } = headline(input);
  const forHost = input.kind.startsWith('host_');
  const rows: [string, string][] = [
    ['Service', service.name],
    ['When', formatWhen(booking.start_at, booking.end_at, input.zone)],
    ...(input.hosts.length > 0 ? [['With', input.hosts.map((host) => host.name).join(', ')] as [string, string]] : []),
    ...(service.location ? [['Where', service.location] as [string, string]] : []),
    ...(service.meeting_url ? [['Meeting link', service.meeting_url] as [string, string]] : []),
    ...(booking.spaces > 1 ? [['Seats', String(booking.spaces)] as [string, string]] : []),
    ...(forHost && booking.customer_email ? [['Customer', `${booking.customer_name ?? ''} <${booking.customer_email}>`] as [string, string]] : []),
    ...describeAnswers(service.booking_fields, booking.booking_fields).map((line) => {
      const [label, ...value] = line.split(': ');
      return [label, value.join(': ')] as [string, string];
    }),
  ];
  const manage = !forHost && input.manageUrl ? input.manageUrl : null;
  const greeting = forHost ? 'Hello,' : `Hello ${booking.customer_name ?? ''},`.replace(' ,', ',');
  const text = [
    greeting, '', opening, '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '', ...(manage ? [`View, reschedule or cancel your booking: ${manage}`, ''] : []),
    branding.name, '',
  ].join('\n');

  const primary = safeColour(service.primary_color, '#1d4ed8');
  const secondary = safeColour(service.secondary_color, '#f1f5f9');
  const html = `<!doctype html><html><body style="margin:0;font-family:system-ui,sans-serif;background:${secondary};color:#111">
<div style="max-width:560px;margin:0 auto;padding:24px;background:#fff">
<div style="border-bottom:4px solid ${primary};padding-bottom:12px;margin-bottom:16px">${branding.logoUrl ? `<img src="${escapeHtml(branding.logoUrl)}" alt="${escapeHtml(branding.name)}" style="max-height:48px">` : `<strong style="font-size:20px;color:${primary}">${escapeHtml(branding.name)}</strong>`}</div>
<p>${escapeHtml(greeting)}</p><p>${escapeHtml(opening)}</p>
<table style="border-collapse:collapse">${rows.map(([label, value]) => `<tr><th style="text-align:left;padding:4px 12px 4px 0;vertical-align:top">${escapeHtml(label)}</th><td style="padding:4px 0">${escapeHtml(value)}</td></tr>`).join('')}</table>
${manage ? `<p style="margin-top:24px"><a href="${escapeHtml(manage)}" style="background:${primary};color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">View, reschedule or cancel</a></p>` : ''}
<p style="color:#555;margin-top:24px">${escapeHtml(branding.name)}</p></div></body></html>`;
  const method: InvitationMethod = input.kind === 'cancelled' || input.kind === 'declined' || input.kind === 'host_cancelled' ? 'CANCEL' : 'REQUEST';
  return { subject, text, html, method };
}
