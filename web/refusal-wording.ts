import type { FieldError } from '../bookings/errors';
import type { Locale, StringKey, Translate } from './strings';

/** The form fields the pages phrase themselves, in the visitor's language. */
const FIELD_WORDING: Record<string, StringKey> = {
  name: 'error_name',
  'customer.name': 'error_name',
  email: 'error_email',
  'customer.email': 'error_email',
  phone: 'error_phone',
  'customer.phone': 'error_phone',
};

/** Refusals of a time or a change, by their code: what the visitor can do about each. */
const REFUSAL_WORDING: Record<string, StringKey> = {
  slot_taken: 'slot_taken',
  outside_hours: 'slot_taken',
  not_on_slot_grid: 'slot_taken',
  no_resource_free: 'slot_taken',
  buffer_conflict: 'slot_taken',
  unavailable: 'slot_taken',
  min_notice: 'refused_too_soon',
  beyond_horizon: 'refused_too_far',
  session_full: 'refused_session_full',
  session_cancelled: 'refused_booking_window',
  booking_not_open: 'refused_booking_window',
  booking_closed: 'refused_booking_window',
  too_many_spaces: 'refused_too_many_seats',
  customer_overlap: 'refused_customer_overlap',
  invalid_transition: 'refused_change',
};

/**
 * The API's refusals are worded in English for developers; a page says them in its visitor's
 * language. Fields and codes the pages know get their own sentence; the rest keep the API's words
 * in English (they are specific) and a general "check this field" elsewhere, never English on a
 * page in another language.
 */
export function fieldErrorWording(t: Translate, locale: Locale, errors: FieldError[]): FieldError[] {
  return errors.map((error) => {
    const own = FIELD_WORDING[error.path];
    if (own) return { ...error, message: t(own) };
    if (locale === 'en') return error;
    return { ...error, message: t(error.path.startsWith('booking_fields.') ? 'error_answer' : 'error_field') };
  });
}

/**
 * A refusal of the whole request (a time taken, a change too late), by its code; `fallback` for a
 * code the pages do not word. A refused change keeps the API's sentence in English: it says why
 * (too late to cancel, already ended).
 */
export function refusalWording(t: Translate, locale: Locale, code: string | undefined, apiMessage: string, fallback: StringKey): string {
  const key = (code ? REFUSAL_WORDING[code] : undefined) ?? fallback;
  return key === 'refused_change' && locale === 'en' ? apiMessage : t(key);
}
