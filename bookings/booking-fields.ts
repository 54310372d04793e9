import type { BookingFieldAnswers, BookingFieldJson } from '../db/schema';
import { InvalidInput } from './errors';

/**
 * Checks a booker's answers against the service's booking fields: each answer must name a field
 * and fit its type (a select's value one of its options); with `complete` (the details), every
 * required field must be answered, and unanswered ones take their default. Returns what is stored.
 */
export function checkBookingFields(
  definitions: BookingFieldJson[], answers: BookingFieldAnswers | undefined, complete: boolean, prefix = 'booking_fields',
): BookingFieldAnswers {
  const given = answers ?? {};
  const errors: { path: string; message: string }[] = [];
  for (const name of Object.keys(given)) {
    if (!definitions.some((field) => field.name === name)) errors.push({ path: `${prefix}.${name}`, message: 'is not a field of this service' });
  }
  const stored: BookingFieldAnswers = {};
  for (const field of definitions) {
    const path = `${prefix}.${field.name}`;
    let value = given[field.name];
    if (typeof value === 'string') value = value.trim();
    if (value === undefined && complete && field.default !== null) value = field.default;
    const empty = value === undefined || value === '' || (field.type === 'checkbox' && value === false);
    if (field.type === 'checkbox' && value !== undefined && typeof value !== 'boolean') {
      errors.push({ path, message: `${field.label}: must be true or false` });
    } else if (field.type !== 'checkbox' && value !== undefined && typeof value !== 'string') {
      errors.push({ path, message: `${field.label}: must be text` });
    } else if (field.type === 'select' && !empty && !field.options.includes(value as string)) {
      errors.push({ path, message: `${field.label}: must be one of ${field.options.join(', ')}` });
    } else if (field.type === 'text' && typeof value === 'string' && value.length > 500) {
      errors.push({ path, message: `${field.label}: must be at most 500 characters` });
    } else if (complete && field.required && empty) {
      errors.push({ path, message: `${field.label}: is required` });
    }
    if (value !== undefined) stored[field.name] = value;
  }
  if (errors.length > 0) throw new InvalidInput(errors);
  return stored;
}
