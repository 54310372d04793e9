import { z } from 'zod';
import { CONTROL, CONTROL_EXCEPT_LINES, controlMessage, LONE_SURROGATE, LONE_SURROGATE_MESSAGE } from './text-rules';

// Beside ./booking-payloads, whose schemas the API builds its request bodies from (the workflows
// check the same payloads without zod, in workflows/payload-checks.ts).

export { LONE_SURROGATE };

/**
 * Text from a client: no control characters (NUL and the like break PostgreSQL and every log
 * line they reach; tab, line feed and carriage return only where a field holds several lines),
 * no lone surrogates (they are not Unicode and PostgreSQL refuses them), and a length cap. Every
 * string field of a request is built from this, so none can forget a rule.
 */
export function text(maxLength: number, options: { lines?: boolean } = {}) {
  const forbidden = options.lines ? CONTROL_EXCEPT_LINES : CONTROL;
  return z.string()
    .max(maxLength, { message: `must be at most ${maxLength} characters` })
    .refine((value) => !forbidden.test(value), { message: controlMessage(options.lines) })
    .refine((value) => !LONE_SURROGATE.test(value), { message: LONE_SURROGATE_MESSAGE });
}

