import { DateTime } from 'luxon';
import type { Booking, Resource, Service } from '../db/schema';
import type { Branding } from '../db/customer-pages';
import type { BookingMailKind } from '../domain/booking-types';
import type { Locale } from '../domain/locales';
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
  /** The language the mail is written in: the booking's (absent = English). */
  locale?: Locale;
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

type Unit = 'day' | 'hour' | 'minute';
type Reader = 'customer' | 'host';

/** Every sentence of a booking's e-mails, per language; `{name}` is filled in. */
const WORDS = {
  en: {
    received: 'Booking received', confirmed: 'Booking confirmed', declined: 'Booking declined', cancelled: 'Booking cancelled',
    rescheduled: 'Booking rescheduled', reminder: 'Reminder', host_new_booking: 'New booking', host_cancelled: 'Booking cancelled',
    host_rescheduled: 'Booking moved',
    openReceived: 'We have received your booking. It is awaiting the host\'s approval; you will hear from us again.',
    openConfirmed: 'Your booking is confirmed.',
    openDeclined: 'Your booking was declined by the host.',
    openCancelled: 'Your booking was cancelled by {who}.',
    openRescheduled: 'Your booking has moved from {before} to the time below.',
    openReminder: 'This is a reminder of your booking in {offset}.',
    openHostNew: '{customer} booked {service}.',
    openHostCancelled: 'The booking of {customer} was cancelled by {who}.',
    openHostRescheduled: 'The booking of {customer} has moved from {before} to the time below. The calendar invitation attached replaces the earlier one.',
    earlierTime: 'its earlier time', aCustomer: 'a customer', reason: 'Reason: {reason}',
    hello: 'Hello {name},', helloHost: 'Hello,',
    service: 'Service', when: 'When', with: 'With', where: 'Where', meetingLink: 'Meeting link', seats: 'Seats', customer: 'Customer',
    manageText: 'View, reschedule or cancel your booking: {url}', manageButton: 'View, reschedule or cancel',
    actors: {
      customer: { customer: 'you', host: 'the customer' },
      host: { customer: 'the host', host: 'the host' },
      system: { customer: 'the system', host: 'the system' },
      business: { customer: 'the business', host: 'the business' },
    },
    units: { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'] },
    dateTime: "ccc d LLL yyyy, HH:mm", longDate: 'cccc d LLLL yyyy, HH:mm',
  },
  fr: {
    received: 'Réservation reçue', confirmed: 'Réservation confirmée', declined: 'Réservation refusée', cancelled: 'Réservation annulée',
    rescheduled: 'Réservation déplacée', reminder: 'Rappel', host_new_booking: 'Nouvelle réservation', host_cancelled: 'Réservation annulée',
    host_rescheduled: 'Réservation déplacée',
    openReceived: 'Nous avons bien reçu votre réservation. Elle attend l\'accord de l\'hôte ; nous vous écrirons à nouveau.',
    openConfirmed: 'Votre réservation est confirmée.',
    openDeclined: 'Votre réservation a été refusée par l\'hôte.',
    openCancelled: 'Votre réservation a été annulée par {who}.',
    openRescheduled: 'Votre réservation a été déplacée du {before} à l\'horaire ci-dessous.',
    openReminder: 'Ceci est un rappel de votre réservation dans {offset}.',
    openHostNew: '{customer} a réservé {service}.',
    openHostCancelled: 'La réservation de {customer} a été annulée par {who}.',
    openHostRescheduled: 'La réservation de {customer} a été déplacée du {before} à l\'horaire ci-dessous. L\'invitation jointe remplace la précédente.',
    earlierTime: 'son horaire précédent', aCustomer: 'un client', reason: 'Motif : {reason}',
    hello: 'Bonjour {name},', helloHost: 'Bonjour,',
    service: 'Prestation', when: 'Quand', with: 'Avec', where: 'Où', meetingLink: 'Lien de la réunion', seats: 'Places', customer: 'Client',
    manageText: 'Consulter, déplacer ou annuler votre réservation : {url}', manageButton: 'Consulter, déplacer ou annuler',
    actors: {
      customer: { customer: 'vous', host: 'le client' },
      host: { customer: 'l\'hôte', host: 'l\'hôte' },
      system: { customer: 'le système', host: 'le système' },
      business: { customer: 'l\'établissement', host: 'l\'établissement' },
    },
    units: { day: ['jour', 'jours'], hour: ['heure', 'heures'], minute: ['minute', 'minutes'] },
    dateTime: "ccc d LLL yyyy, HH'h'mm", longDate: "cccc d LLLL yyyy, HH'h'mm",
  },
} as const;

type Words = (typeof WORDS)['en'] | (typeof WORDS)['fr'];

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? '');
}

function wordsOf(input: Pick<BookingMailInput, 'locale'>): { locale: Locale; words: Words } {
  const locale = input.locale ?? 'en';
  return { locale, words: WORDS[locale] };
}

export function formatWhen(start: Date, end: Date, zone: string, locale: Locale = 'en'): string {
  const format = WORDS[locale].longDate;
  const from = DateTime.fromJSDate(start, { zone }).setLocale(locale);
  const to = DateTime.fromJSDate(end, { zone }).setLocale(locale);
  return `${from.toFormat(format)}–${to.toFormat(locale === 'fr' ? "HH'h'mm" : 'HH:mm')} (${zone})`;
}

/** "1 hour", "2 hours", "1 heure": the unit agrees with its number in the reader's language. */
export function describeOffset(seconds: number, locale: Locale = 'en'): string {
  const [count, unit]: [number, Unit] = seconds % 86_400 === 0 ? [seconds / 86_400, 'day']
    : seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : [Math.round(seconds / 60), 'minute'];
  const [one, other] = WORDS[locale].units[unit];
  return `${count} ${new Intl.PluralRules(locale).select(count) === 'one' ? one : other}`;
}

/** Who did it, as this reader is told: the customer is "you" to the customer, "the customer" to a host. */
function actorFor(actor: string | null | undefined, reader: Reader, words: Words): string {
  const who = actor === 'customer' || actor === 'host' ? actor : actor === 'system' || actor === 'reconciler' ? 'system' : 'business';
  return words.actors[who][reader];
}

function headline(input: BookingMailInput, reader: Reader): { subject: string; opening: string } {
  const { service, booking } = input;
  const { locale, words } = wordsOf(input);
  const who = actorFor(input.actor, reader, words);
  const why = input.reason ? ` ${fill(words.reason, { reason: input.reason })}` : '';
  const customer = booking.customer_name ?? booking.customer_email ?? words.aCustomer;
  const before = input.previousStart
    ? formatWhen(input.previousStart, new Date(input.previousStart.getTime() + booking.end_at.getTime() - booking.start_at.getTime()), input.zone, locale)
    : words.earlierTime;
  // Every subject names the service and the date, so a reader's inbox tells the mails apart.
  const date = DateTime.fromJSDate(booking.start_at, { zone: input.zone }).setLocale(locale).toFormat(words.dateTime);
  const subject = `${words[input.kind]}: ${service.name}, ${date}${reader === 'host' ? ` · ${customer}` : ''}`;
  const opening = (() => {
    switch (input.kind) {
      case 'received': return words.openReceived;
      case 'confirmed': return words.openConfirmed;
      case 'declined': return `${words.openDeclined}${why}`;
      case 'cancelled': return `${fill(words.openCancelled, { who })}${why}`;
      case 'rescheduled': return fill(words.openRescheduled, { before });
      case 'reminder': return fill(words.openReminder, { offset: describeOffset(input.offsetSeconds ?? 0, locale) });
      case 'host_new_booking': return fill(words.openHostNew, { customer, service: service.name });
      case 'host_cancelled': return `${fill(words.openHostCancelled, { customer, who })}${why}`;
      case 'host_rescheduled': return fill(words.openHostRescheduled, { customer, before });
    }
  })();
  return { subject, opening };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Only colours that cannot break out of a style attribute. */
function safeColour(value: string | null, fallback: string): string {
  return value && /^#[0-9a-f]{3,8}$/i.test(value) ? value : fallback;
}

/** A link is shown as one only if it is http(s); anything else stays text. */
function cellHtml(value: string, link: boolean): string {
  return link && /^https?:\/\//i.test(value) ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>` : escapeHtml(value);
}

/**
 * The text and HTML of one e-mail about a booking, in the reader's zone and the booking's language:
 * what happened (who did it, told as this reader knows them), the service, the time, the place or
 * link, the booker's answers, the business and the manage link.
 */
export function composeBookingMail(input: BookingMailInput): ComposedMail {
  const { booking, service, branding } = input;
  const { locale, words } = wordsOf(input);
  const forHost = input.kind.startsWith('host_');
  const { subject, opening } = headline(input, forHost ? 'host' : 'customer');
  const rows: [string, string, boolean?][] = [
    [words.service, service.name],
    [words.when, formatWhen(booking.start_at, booking.end_at, input.zone, locale)],
    ...(input.hosts.length > 0 ? [[words.with, input.hosts.map((host) => host.name).join(', ')] as [string, string]] : []),
    ...(service.location ? [[words.where, service.location] as [string, string]] : []),
    ...(service.meeting_url ? [[words.meetingLink, service.meeting_url, true] as [string, string, boolean]] : []),
    ...(booking.spaces > 1 ? [[words.seats, String(booking.spaces)] as [string, string]] : []),
    ...(forHost && booking.customer_email ? [[words.customer, `${booking.customer_name ?? ''} <${booking.customer_email}>`] as [string, string]] : []),
    ...describeAnswers(service.booking_fields, booking.booking_fields).map((line) => {
      const [label, ...value] = line.split(': ');
      return [label, value.join(': ')] as [string, string];
    }),
  ];
  const manage = !forHost && input.manageUrl ? input.manageUrl : null;
  const greeting = forHost ? words.helloHost : fill(words.hello, { name: booking.customer_name ?? '' }).replace(' ,', ',');
  const text = [
    greeting, '', opening, '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '', ...(manage ? [fill(words.manageText, { url: manage }), ''] : []),
    branding.name, '',
  ].join('\n');

  const primary = safeColour(service.primary_color, '#1d4ed8');
  const secondary = safeColour(service.secondary_color, '#f1f5f9');
  const html = `<!doctype html><html lang="${locale}"><body style="margin:0;font-family:system-ui,sans-serif;background:${secondary};color:#111">
<div style="max-width:560px;margin:0 auto;padding:24px;background:#fff">
<div style="border-bottom:4px solid ${primary};padding-bottom:12px;margin-bottom:16px">${branding.logoUrl ? `<img src="${escapeHtml(branding.logoUrl)}" alt="${escapeHtml(branding.name)}" style="max-height:48px">` : `<strong style="font-size:20px;color:${primary}">${escapeHtml(branding.name)}</strong>`}</div>
<p>${escapeHtml(greeting)}</p><p>${escapeHtml(opening)}</p>
<table style="border-collapse:collapse">${rows.map(([label, value, link]) => `<tr><th style="text-align:left;padding:4px 12px 4px 0;vertical-align:top">${escapeHtml(label)}</th><td style="padding:4px 0">${cellHtml(value, link === true)}</td></tr>`).join('')}</table>
${manage ? `<p style="margin-top:24px"><a href="${escapeHtml(manage)}" style="background:${primary};color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(words.manageButton)}</a></p>` : ''}
<p style="color:#555;margin-top:24px">${escapeHtml(branding.name)}</p></div></body></html>`;
  const method: InvitationMethod = input.kind === 'cancelled' || input.kind === 'declined' || input.kind === 'host_cancelled' ? 'CANCEL' : 'REQUEST';
  return { subject, text, html, method };
}
