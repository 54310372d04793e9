import { ApplicationFailure } from '@temporalio/workflow';
import { INVALID_DETAILS } from './messages';
import {
  BOOKING_ID, BOOKING_ID_MESSAGE, CONTROL, CONTROL_EXCEPT_LINES, controlMessage, EMAIL, EMAIL_MESSAGE, LONE_SURROGATE,
  LONE_SURROGATE_MESSAGE, ZONE, ZONE_MESSAGE,
} from '../domain/text-rules';
import { isUnreadablePayload, UNREADABLE_PAYLOAD } from '../domain/unreadable-payload';

// The Update validators' checks of the booking workflow's payloads, written without zod: zod's
// classes and the schemas built from them cost more worker CPU per booking than the rest of a
// reservation's workflow code together, when each run evaluated its modules afresh. These checks
// accept and refuse exactly what the payloads' one definition (the zod schemas in
// domain/booking-payloads.ts) accepts and refuses, which test/unit/payload-checks.test.ts compares
// on payloads generated from those schemas' shapes.

export interface PayloadIssue { path: string; message: string }
type Check = (value: unknown, path: string, issues: PayloadIssue[]) => void;


function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function expected(type: string, value: unknown): string {
  return `Invalid input: expected ${type}, received ${typeName(value)}`;
}

interface TextRules { lines?: boolean; trim?: boolean; nonEmpty?: boolean; pattern?: [RegExp, string] }

/** As `text()` in domain/text.ts: no control characters (but line breaks where allowed), no lone surrogates, a length cap. */
function text(maxLength: number, rules: TextRules = {}): Check {
  return (value, path, issues) => {
    if (typeof value !== 'string') {
      issues.push({ path, message: expected('string', value) });
      return;
    }
    if (value.length > maxLength) issues.push({ path, message: `must be at most ${maxLength} characters` });
    if ((rules.lines ? CONTROL_EXCEPT_LINES : CONTROL).test(value)) issues.push({ path, message: controlMessage(rules.lines) });
    if (LONE_SURROGATE.test(value)) issues.push({ path, message: LONE_SURROGATE_MESSAGE });
    const trimmed = rules.trim ? value.trim() : value;
    if (rules.nonEmpty && trimmed.length < 1) issues.push({ path, message: 'Too small: expected string to have >=1 characters' });
    if (rules.pattern && !rules.pattern[0].test(trimmed)) issues.push({ path, message: rules.pattern[1] });
  };
}

const optional = (check: Check): Check => (value, path, issues) => {
  if (value !== undefined) check(value, path, issues);
};
const nullish = (check: Check): Check => (value, path, issues) => {
  if (value !== undefined && value !== null) check(value, path, issues);
};

const boolean: Check = (value, path, issues) => {
  if (typeof value !== 'boolean') issues.push({ path, message: expected('boolean', value) });
};

function integer(min: number, max: number): Check {
  return (value, path, issues) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) issues.push({ path, message: expected('number', value) });
    else if (!Number.isInteger(value)) issues.push({ path, message: 'Invalid input: expected int, received number' });
    else if (value < min) issues.push({ path, message: `Too small: expected number to be >=${min}` });
    else if (value > max) issues.push({ path, message: `Too big: expected number to be <=${max}` });
  };
}

function array(item: Check, min: number, max: number): Check {
  return (value, path, issues) => {
    if (!Array.isArray(value)) {
      issues.push({ path, message: expected('array', value) });
      return;
    }
    if (value.length < min) issues.push({ path, message: `Too small: expected array to have >=${min} items` });
    if (value.length > max) issues.push({ path, message: `Too big: expected array to have <=${max} items` });
    value.forEach((element, index) => item(element, join(path, String(index)), issues));
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Answers to booking fields: names of at most 40 characters, each a text or a yes/no. */
const bookingFields: Check = (value, path, issues) => {
  if (!isPlainObject(value)) {
    issues.push({ path, message: expected('record', value) });
    return;
  }
  const answer = text(4000, { lines: true });
  for (const [key, element] of Object.entries(value)) {
    const keyIssues: PayloadIssue[] = [];
    text(40)(key, '', keyIssues);
    if (keyIssues.length > 0) {
      issues.push({ path: join(path, key), message: 'Invalid key in record' });
      continue;
    }
    const answerIssues: PayloadIssue[] = [];
    if (typeof element !== 'boolean') answer(element, join(path, key), answerIssues);
    if (answerIssues.length > 0) issues.push({ path: join(path, key), message: 'Invalid input' });
  }
};

/** `strict`: unknown keys are refused (as z.strictObject); otherwise kept (as z.looseObject). */
function object(shape: Record<string, Check>, strict: boolean): Check {
  return (value, path, issues) => {
    if (!isPlainObject(value)) {
      issues.push({ path, message: expected('object', value) });
      return;
    }
    for (const [key, check] of Object.entries(shape)) check(value[key], join(path, key), issues);
    if (!strict) return;
    const unknown = Object.keys(value).filter((key) => !Object.hasOwn(shape, key));
    if (unknown.length > 0) {
      issues.push({ path, message: `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map((key) => `"${key}"`).join(', ')}` });
    }
  };
}

const email = text(320, { trim: true, pattern: [EMAIL, EMAIL_MESSAGE] });
const actor = text(200, { trim: true, nonEmpty: true });
const reason = nullish(text(2000, { lines: true }));

const nullable = (check: Check): Check => (value, path, issues) => {
  if (value !== null) check(value, path, issues);
};

const startWithOffset: Check = (value, path, issues) => {
  if (typeof value !== 'string') issues.push({ path, message: expected('string', value) });
  else if (!(/([+-]\d{2}:?\d{2}|Z)$/i.test(value) && !Number.isNaN(Date.parse(value)))) {
    issues.push({ path, message: 'must be an ISO 8601 date-time with an offset' });
  }
};

export const customerDetailsCheck = object({
  name: text(200, { trim: true, nonEmpty: true }),
  email,
  phone: nullish(text(40, { trim: true })),
  notes: nullish(text(4000, { lines: true })),
  timezone: nullish(text(64, { pattern: [ZONE, ZONE_MESSAGE] })),
  booking_fields: optional(bookingFields),
  extra_emails: optional(array(email, 0, 10)),
}, true);
export const hostAnswerCheck = object({ actor, reason }, true);
export const cancellationCheck = object({ actor, reason }, true);
export const checkInCheck = object({ actor, present: boolean, reason }, true);
export const spacesChangeCheck = object({ actor, spaces: integer(1, 10_000) }, true);
export const rescheduleCheck = object({
  actor,
  start: startWithOffset,
  durationMinutes: nullable(integer(1, 1440)),
  resourceIds: nullable(array((value, path, issues) => {
    if (typeof value !== 'string') issues.push({ path, message: expected('string', value) });
  }, 1, 100)),
}, true);
export const promotedCheck = object({
  id: (value, path, issues) => {
    if (typeof value !== 'string') issues.push({ path, message: expected('string', value) });
    else if (!BOOKING_ID.test(value)) issues.push({ path, message: BOOKING_ID_MESSAGE });
  },
  status: (value, path, issues) => {
    if (typeof value !== 'string') issues.push({ path, message: expected('string', value) });
  },
  start: (value, path, issues) => {
    if (typeof value !== 'string') issues.push({ path, message: expected('string', value) });
  },
  end: (value, path, issues) => {
    if (typeof value !== 'string') issues.push({ path, message: expected('string', value) });
  },
}, false);

/** The problems of a payload, each named by its field; none for a payload the API's schema accepts. */
export function payloadIssues(check: Check, payload: unknown): PayloadIssue[] {
  if (isUnreadablePayload(payload)) return [{ path: 'payload', message: payload[UNREADABLE_PAYLOAD] }];
  const issues: PayloadIssue[] = [];
  check(payload ?? {}, '', issues);
  return issues.map((issue) => ({ path: issue.path || 'payload', message: issue.message }));
}

/**
 * Refuses a message's payload with every problem named by its field. An absent payload (the UI's
 * default) is read as an empty object, so the refusal names the missing fields.
 */
export function checkPayload(check: Check, payload: unknown): void {
  const errors = payloadIssues(check, payload);
  if (errors.length === 0) return;
  throw ApplicationFailure.create({
    type: INVALID_DETAILS,
    message: errors.map((error) => `${error.path}: ${error.message}`).join('; '),
    details: errors,
    nonRetryable: true,
  });
}

/**
 * Refuses arguments beyond those a message takes (`extra`: what came after them). The SDK would
 * pass them to the handler, which ignores them, so a caller's mistake would go unnoticed.
 */
export function checkNoExtraArguments(takes: number, extra: unknown[]): void {
  if (extra.length === 0) return;
  throw ApplicationFailure.create({
    type: INVALID_DETAILS,
    message: `takes ${takes === 0 ? 'no arguments' : takes === 1 ? 'one argument' : `${takes} arguments`}; ${extra.length} more were sent`,
    details: [{ path: 'arguments', message: `expected ${takes}, received ${takes + extra.length}` }],
    nonRetryable: true,
  });
}
