import { ApplicationFailure } from '@temporalio/common';
import { INVALID_DATA, isInvalidData } from '../db/data-errors';

/** The activity as it was, but a data error ends it at once as a non-retryable INVALID_DATA failure. */
export function failingFastOnInvalidData<A extends unknown[], R>(activity: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await activity(...args);
    } catch (error) {
      if (!isInvalidData(error)) throw error;
      throw ApplicationFailure.create({
        type: INVALID_DATA, nonRetryable: true, message: `the database refused the data (${error.code}): ${error.message}`,
      });
    }
  };
}
