import fc from 'fast-check';
import type { z } from 'zod';
import {
  cancellationCheck, checkInCheck, customerDetailsCheck, hostAnswerCheck, payloadIssues, promotedCheck, rescheduleCheck,
  spacesChangeCheck,
} from '../../workflows/payload-checks';
import {
  cancellationPayload, checkInPayload, customerDetails, hostAnswerPayload, promotedPayload, reschedulePayload, spacesChangePayload,
} from '../../workflows/payloads';

/**
 * The workflow's Update validators check payloads without zod (see workflows/payload-checks.ts);
 * they must accept and refuse exactly what the API's zod schemas do, naming the same fields.
 */
const pairs: [string, Parameters<typeof payloadIssues>[0], z.ZodType][] = [
  ['customer details', customerDetailsCheck, customerDetails],
  ['host answer', hostAnswerCheck, hostAnswerPayload],
  ['cancellation', cancellationCheck, cancellationPayload],
  ['check-in', checkInCheck, checkInPayload],
  ['spaces change', spacesChangeCheck, spacesChangePayload],
  ['reschedule', rescheduleCheck, reschedulePayload],
  ['promotion', promotedCheck, promotedPayload],
];

// Strings near every rule: empty, blank, control characters, line breaks, lone surrogates,
// e-mail and zone shapes, ISO times with and without offset, booking ids, and long ones.
const tricky = fc.oneof(
  fc.constantFrom('', ' ', 'Ada', ' Ada ', 'a\u0000b', 'a\nb', 'a\tb', '\uD800', 'ada@example.com', ' ada@example.com ',
    'ada@example', 'Europe/Paris', 'Europe/', '2030-01-01T10:00:00Z', '2030-01-01T10:00:00', '2030-01-01T10:00:00+02:00',
    'tomorrow', '00000000-0000-4000-8000-000000000000', 'held', 'x'.repeat(41), 'x'.repeat(201), 'x'.repeat(2001)),
  fc.string({ maxLength: 8 }),
);
const scalar = fc.oneof(tricky, fc.integer({ min: -2, max: 20_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(fc.oneof(tricky, fc.integer()), { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.dictionary(tricky, fc.oneof(tricky, fc.boolean(), fc.integer()), { maxKeys: 3 }) },
);
const FIELDS = ['name', 'email', 'phone', 'notes', 'timezone', 'booking_fields', 'extra_emails', 'actor', 'reason', 'present',
  'spaces', 'start', 'durationMinutes', 'resourceIds', 'id', 'status', 'end', 'other'];
const payload = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 }) },
  { weight: 1, arbitrary: fc.oneof(scalar, fc.constant(undefined), fc.array(scalar, { maxLength: 2 })) },
);

function zodPaths(schema: z.ZodType, input: unknown): string[] {
  const parsed = schema.safeParse(input ?? {});
  return parsed.success ? [] : [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'payload'))].sort();
}

function checkPaths(check: Parameters<typeof payloadIssues>[0], input: unknown): string[] {
  return [...new Set(payloadIssues(check, input).map((issue) => issue.path))].sort();
}

test.each(pairs)('%s: the zod-free check refuses exactly what the API schema refuses, naming the same fields', (_, check, schema) => {
  fc.assert(fc.property(payload, (input) => {
    expect(checkPaths(check, input)).toEqual(zodPaths(schema, input));
  }), { numRuns: 3000 });
});

test('well-formed payloads pass, as the API sends them', () => {
  expect(payloadIssues(customerDetailsCheck, {
    name: 'Ada Lovelace', email: 'ada@example.com', phone: null, notes: 'line\nbreak', timezone: 'Europe/Paris',
    booking_fields: { company: 'ACME', newsletter: true }, extra_emails: ['grace@example.com'],
  })).toEqual([]);
  expect(payloadIssues(rescheduleCheck, { actor: 'ops', start: '2030-01-01T10:00:00Z', durationMinutes: null, resourceIds: null })).toEqual([]);
  expect(payloadIssues(cancellationCheck, undefined)).toEqual([{ path: 'actor', message: 'Invalid input: expected string, received undefined' }]);
});
