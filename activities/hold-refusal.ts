import type { HoldOutcome, HoldRefusalCode } from './types';

export type Rejection = Extract<HoldOutcome, { outcome: 'rejected' }>;

/** A business refusal thrown inside a hold's transaction, so the transaction rolls back. */
export class HoldRefusal extends Error {
  constructor(readonly outcome: Rejection) {
    super(outcome.message);
  }
}

export function refuse(code: HoldRefusalCode, message: string): never {
  throw new HoldRefusal({ outcome: 'rejected', code, message });
}
