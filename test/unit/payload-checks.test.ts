import fc from 'fast-check';
import { z } from 'zod';
import {
  cancellationPayload, checkInPayload, customerDetails, hostAnswerPayload, promotedPayload, reschedulePayload, spacesChangePayload,
} from '../../domain/booking-payloads';
import {
  cancellationCheck, checkInCheck, customerDetailsCheck, hostAnswerCheck, payloadIssues, promotedCheck, rescheduleCheck,
  spacesChangeCheck,
} from '../../workflows/payload-checks';

/**
 * The workflow's Update validators check payloads without zod (see workflows/payload-checks.ts);
 * they must accept and refuse exactly what the payloads' one definition (domain/booking-payloads.ts)
 * does, naming the same fields. Payloads are generated from each schema's own shape (its JSON
 * Schema: fields, types, lengths, patterns, bounds), so a field added to a schema is exercised
 * without touching this test, and then malformed in every way the rules speak of.
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
const malformed = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(fc.oneof(tricky, fc.integer()), { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.dictionary(tricky, fc.oneof(tricky, fc.boolean(), fc.integer()), { maxKeys: 3 }) },
);

/** ISO 8601 date-times with an offset (Z or ±hh:mm), and the same without one. */
const dateTime = fc.tuple(
  fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }),
  fc.constantFrom('Z', '+02:00', '-05:30', '+0100', ''),
).map(([date, offset]) => date.toISOString().replace('Z', offset));

interface JsonSchema {
  type?: string; anyOf?: JsonSchema[]; $ref?: string; $defs?: Record<string, JsonSchema>;
  properties?: Record<string, JsonSchema>; required?: string[]; additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema; items?: JsonSchema; minItems?: number; maxItems?: number;
  minLength?: number; maxLength?: number; pattern?: string; format?: string; minimum?: number; maximum?: number;
}

/** Values of a JSON Schema's shape, mostly well-formed; each field now and then malformed or left out. */
function shaped(schema: JsonSchema, defs: Record<string, JsonSchema>): fc.Arbitrary<unknown> {
  if (schema.$ref) return shaped(defs[schema.$ref.replace('#/$defs/', '')], defs);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((option) => shaped(option, defs)));
  switch (schema.type) {
    case 'null': return fc.constant(null);
    case 'boolean': return fc.boolean();
    case 'integer': return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000 });
    case 'number': return fc.double({ min: schema.minimum, max: schema.maximum, noNaN: true });
    case 'string': {
      const fitting = schema.format === 'date-time' ? dateTime
        : schema.pattern ? fc.stringMatching(new RegExp(schema.pattern))
          : fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
      return fc.oneof({ weight: 6, arbitrary: fitting }, { weight: 1, arbitrary: tricky });
    }
    case 'array': {
      const item = schema.items ? shaped(schema.items, defs) : scalar;
      return fc.array(item, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 12) });
    }
    case 'object': {
      const fields = Object.entries(schema.properties ?? {}).map(([key, field]) => {
        const value = fc.oneof({ weight: 8, arbitrary: shaped(field, defs) }, { weight: 1, arbitrary: malformed });
        const required = schema.required?.includes(key);
        return fc.oneof({ weight: required ? 12 : 3, arbitrary: value.map((v) => [[key, v]]) }, { weight: 1, arbitrary: fc.constant([]) });
      });
      const extra = typeof schema.additionalProperties === 'object' && schema.propertyNames
        ? fc.array(fc.tuple(shaped(schema.propertyNames, defs), shaped(schema.additionalProperties, defs)), { maxLength: 3 })
        : fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom('other', 'id', 'actor'), malformed).map((entry) => [entry]) });
      return fc.tuple(fc.tuple(...fields), extra).map(([entries, more]) => Object.fromEntries([...entries.flat(), ...more] as [string, unknown][]));
    }
    default: return scalar;
  }
}

function payloadsOf(schema: z.ZodType): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return fc.oneof(
    { weight: 12, arbitrary: shaped(json, json.$defs ?? {}) },
    { weight: 1, arbitrary: fc.oneof(scalar, fc.constant(undefined), fc.array(scalar, { maxLength: 2 })) },
  );
}

function zodPaths(schema: z.ZodType, input: unknown): string[] {
  const parsed = schema.safeParse(input ?? {});
  return parsed.success ? [] : [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'payload'))].sort();
}

function checkPaths(check: Parameters<typeof payloadIssues>[0], input: unknown): string[] {
  return [...new Set(payloadIssues(check, input).map((issue) => issue.path))].sort();
}

test.each(pairs)('%s: the zod-free check refuses exactly what the schema refuses, naming the same fields', (_, check, schema) => {
  let accepted = 0;
  let refused = 0;
  fc.assert(fc.property(payloadsOf(schema), (input) => {
    const expected = zodPaths(schema, input);
    expect(checkPaths(check, input)).toEqual(expected);
    if (expected.length === 0) accepted += 1;
    else refused += 1;
  }), { numRuns: 3000 });
  // Both verdicts are exercised in earnest, not only the malformed side.
  expect(accepted).toBeGreaterThan(300);
  expect(refused).toBeGreaterThan(300);
});

test('well-formed payloads pass, as the API sends them', () => {
  expect(payloadIssues(customerDetailsCheck, {
    name: 'Ada Lovelace', email: 'ada@example.com', phone: null, notes: 'line\nbreak', timezone: 'Europe/Paris',
    booking_fields: { company: 'ACME', newsletter: true }, extra_emails: ['grace@example.com'],
  })).toEqual([]);
  expect(payloadIssues(rescheduleCheck, { actor: 'ops', start: '2030-01-01T10:00:00Z', durationMinutes: null, resourceIds: null })).toEqual([]);
  expect(payloadIssues(cancellationCheck, undefined)).toEqual([{ path: 'actor', message: 'Invalid input: expected string, received undefined' }]);
});
