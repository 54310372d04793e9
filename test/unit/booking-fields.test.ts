import fc from 'fast-check';
import { checkBookingFields } from '../../bookings/booking-fields';
import { InvalidInput } from '../../bookings/errors';
import type { BookingFieldJson } from '../../db/schema';

const FIELDS: BookingFieldJson[] = [
  { name: 'topic', label: 'Topic', type: 'select', required: true, default: null, options: ['a', 'b'] },
  { name: 'note', label: 'Note', type: 'textarea', required: false, default: null, options: [] },
  { name: 'consent', label: 'Consent', type: 'checkbox', required: true, default: null, options: [] },
  { name: 'first', label: 'First visit', type: 'checkbox', required: false, default: true, options: [] },
];

function refusal(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInput) return error.extra.errors!;
    throw error;
  }
  throw new Error('not refused');
}

test('complete answers are stored, defaults fill the unanswered ones', () => {
  expect(checkBookingFields(FIELDS, { topic: 'b', consent: true }, true)).toEqual({ topic: 'b', consent: true, first: true });
});

test('each wrong answer is named by its field', () => {
  expect(refusal(() => checkBookingFields(FIELDS, { topic: 'c', consent: 'yes', other: 'x' }, true))).toEqual([
    { path: 'booking_fields.other', message: 'is not a field of this service' },
    { path: 'booking_fields.topic', message: 'Topic: must be one of a, b' },
    { path: 'booking_fields.consent', message: 'Consent: must be true or false' },
  ]);
  // A required checkbox must be ticked; an empty required select is missing.
  expect(refusal(() => checkBookingFields(FIELDS, { topic: ' ', consent: false }, true)).map((error) => error.path))
    .toEqual(['booking_fields.topic', 'booking_fields.consent']);
});

test('before the details, required fields may still be missing', () => {
  expect(checkBookingFields(FIELDS, { note: 'hi' }, false)).toEqual({ note: 'hi' });
});

test('whatever the answers, they are either stored as valid or refused naming only the service\'s fields or the unknown ones', () => {
  const answer = fc.oneof(fc.boolean(), fc.constantFrom('a', 'b', 'c', '', 'text'));
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('topic', 'note', 'consent', 'first', 'zzz'), answer), fc.boolean(), (answers, complete) => {
    let stored;
    try {
      stored = checkBookingFields(FIELDS, answers, complete);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      expect(error.extra.errors!.every((item) => /^booking_fields\.(topic|note|consent|first|zzz)$/.test(item.path))).toBe(true);
      return;
    }
    for (const [name, value] of Object.entries(stored)) {
      const field = FIELDS.find((candidate) => candidate.name === name)!;
      expect(typeof value === 'boolean').toBe(field.type === 'checkbox');
      if (field.type === 'select' && value !== '') expect(field.options).toContain(value);
    }
    if (complete) expect(stored.topic === 'a' || stored.topic === 'b').toBe(true);
  }));
});
