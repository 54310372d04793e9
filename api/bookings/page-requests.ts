import { parseInput } from '../validation';
import { createBookingBody, customerDetails, rescheduleBookingBody } from './schemas';

/** The API's request schemas, for the pages' forms: one validation, one wording of its errors. */
export const pageRequestParsers = {
  reservation: (input: unknown) => parseInput(createBookingBody, input),
  details: (input: unknown) => parseInput(customerDetails, input),
  reschedule: (input: unknown) => parseInput(rescheduleBookingBody, input),
};
