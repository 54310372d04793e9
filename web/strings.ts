import type { Request } from 'express';
import { LOCALES, type Locale } from '../domain/locales';

/** The pages' words: English first, French second; a missing French string falls back to English. */
const en = {
  book_title: 'Book {service}',
  duration: 'Duration',
  minutes: '{n} min',
  where: 'Where',
  meeting_link: 'Meeting link',
  timezone: 'Time zone',
  change_timezone: 'Show times in this zone',
  choose_day: 'Choose a day',
  previous_month: 'Previous month',
  next_month: 'Next month',
  day_has_slots: '{date}, times available',
  slots_of: 'Times on {date}',
  no_slots: 'No times left on this day. Choose another day.',
  choose_time: 'Choose a time',
  sessions: 'Upcoming sessions',
  no_sessions: 'No upcoming sessions.',
  seats_left: '{n} seat(s) left',
  full_waitlist: 'Full: join the waiting list ({n} waiting)',
  full: 'Full',
  seats: 'Seats',
  book_seats: 'Book',
  join_waitlist: 'Join the waiting list',
  your_name: 'Your name',
  email: 'E-mail',
  phone: 'Phone (optional)',
  optional: 'optional',
  held_title: 'Complete your booking',
  held_countdown: 'We hold this time for you for',
  hold_expired: 'The hold has expired. Choose a time again.',
  submit_details: 'Confirm booking',
  problem: 'There is a problem',
  confirmed_title: 'Your booking is confirmed',
  pending_title: 'Your booking is awaiting the host\'s approval',
  waitlisted_title: 'You are on the waiting list',
  waitlist_position: 'Your position on the waiting list: {n}',
  cancelled_title: 'This booking is cancelled',
  declined_title: 'This booking was declined',
  expired_title: 'This booking has expired',
  completed_title: 'This booking has taken place',
  when: 'When',
  service: 'Service',
  with: 'With',
  add_to_calendar: 'Add to calendar (.ics)',
  manage_link: 'Keep this link to view, reschedule or cancel your booking:',
  reschedule: 'Reschedule',
  reschedule_title: 'Choose a new time',
  cancel_title: 'Cancel this booking',
  cancel_reason: 'Reason (optional)',
  cancel: 'Cancel booking',
  back: 'Back to the booking',
  not_found: 'Page not found',
  not_found_text: 'This page does not exist, or the booking link is not valid.',
  slot_taken: 'This time is no longer available. Please choose another.',
  language: 'Language',
} as const;

export type StringKey = keyof typeof en;

const fr: Partial<Record<StringKey, string>> = {
  book_title: 'Réserver : {service}',
  duration: 'Durée',
  where: 'Lieu',
  meeting_link: 'Lien de la réunion',
  timezone: 'Fuseau horaire',
  change_timezone: 'Afficher les heures dans ce fuseau',
  choose_day: 'Choisissez un jour',
  previous_month: 'Mois précédent',
  next_month: 'Mois suivant',
  day_has_slots: '{date}, créneaux disponibles',
  slots_of: 'Créneaux du {date}',
  no_slots: 'Plus de créneau ce jour-là. Choisissez un autre jour.',
  choose_time: 'Choisissez un horaire',
  sessions: 'Prochaines séances',
  no_sessions: 'Aucune séance à venir.',
  seats_left: '{n} place(s) restante(s)',
  full_waitlist: 'Complet : rejoindre la liste d\'attente ({n} en attente)',
  full: 'Complet',
  seats: 'Places',
  book_seats: 'Réserver',
  join_waitlist: 'Rejoindre la liste d\'attente',
  your_name: 'Votre nom',
  email: 'E-mail',
  phone: 'Téléphone (facultatif)',
  optional: 'facultatif',
  held_title: 'Finalisez votre réservation',
  held_countdown: 'Nous vous réservons ce créneau pendant',
  hold_expired: 'La réservation provisoire a expiré. Choisissez à nouveau un horaire.',
  submit_details: 'Confirmer la réservation',
  problem: 'Il y a un problème',
  confirmed_title: 'Votre réservation est confirmée',
  pending_title: 'Votre réservation attend l\'accord de l\'hôte',
  waitlisted_title: 'Vous êtes sur la liste d\'attente',
  waitlist_position: 'Votre position sur la liste d\'attente : {n}',
  cancelled_title: 'Cette réservation est annulée',
  declined_title: 'Cette réservation a été refusée',
  expired_title: 'Cette réservation a expiré',
  completed_title: 'Ce rendez-vous a eu lieu',
  when: 'Quand',
  service: 'Prestation',
  with: 'Avec',
  add_to_calendar: 'Ajouter au calendrier (.ics)',
  manage_link: 'Gardez ce lien pour consulter, déplacer ou annuler votre réservation :',
  reschedule: 'Déplacer',
  reschedule_title: 'Choisissez un nouvel horaire',
  cancel_title: 'Annuler cette réservation',
  cancel_reason: 'Motif (facultatif)',
  cancel: 'Annuler la réservation',
  back: 'Retour à la réservation',
  not_found: 'Page introuvable',
  not_found_text: 'Cette page n\'existe pas, ou le lien de réservation n\'est pas valide.',
  slot_taken: 'Ce créneau n\'est plus disponible. Choisissez-en un autre.',
  language: 'Langue',
};

export { LOCALES, type Locale };

export type Translate = (key: StringKey, vars?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, vars = {}) => {
    const template = (locale === 'fr' ? fr[key] : undefined) ?? en[key];
    return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
  };
}

/** `?lang=` wins, then the browser's Accept-Language, then English. */
export function localeOf(req: Request): Locale {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : typeof req.body?.lang === 'string' ? req.body.lang : null;
  if (asked && (LOCALES as readonly string[]).includes(asked)) return asked as Locale;
  const accepted = req.acceptsLanguages(...LOCALES);
  return accepted ? (accepted as Locale) : 'en';
}
