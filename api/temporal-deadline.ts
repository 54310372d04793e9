import type { Client } from '@temporalio/client';
import { Unavailable } from './errors';

/** Whether Temporal answers at all is known within this: a hung or unreachable Temporal is a 503 no later. */
export const TEMPORAL_REACH_MS = 2000;
/** A call still running after this is checked on with a cheap call beside it. */
const CHECK_AFTER_MS = 500;

/**
 * How long the API waits for each kind of Temporal call. An Update is answered once the workflow
 * has done its work, so its deadline fits that work; the 2 s then apply to reaching the server.
 */
export const TEMPORAL_BUDGET_MS = {
  /** One request and its answer (a start without waiting, a describe, a signal). */
  call: TEMPORAL_REACH_MS,
  /** A booking's workflow start: one request, but the server persists the new history before it answers. */
  start: 10_000,
  /** An Update (and Update-with-Start) waits on the workflow's local activity, which gives up after 30 s. */
  update: 30_000,
  /** One booking's repair: the reconciler's run ends within 15 s (its workflowExecutionTimeout). */
  repair: 20_000,
  /** A session's workflow (capacity change, cancellation, a batch of holds) waited on to its end. */
  sessionWorkflow: 60_000,
} as const;

/**
 * Runs the Temporal calls in `call` with one deadline (every gRPC request in it, the Update's polls
 * included, is cancelled at `budgetMs`). A call that has not answered after half a second is
 * checked on: if Temporal does not answer a GetSystemInfo by TEMPORAL_REACH_MS, the request is
 * answered 503 at once instead of waiting out the budget. The call itself is left to its deadline.
 */
export async function withTemporalDeadline<T>(temporal: Client, budgetMs: number, call: () => Promise<T>): Promise<T> {
  const { connection } = temporal;
  const started = Date.now();
  const answer = connection.withDeadline(started + budgetMs, call).catch((error: unknown) => {
    if (Date.now() - started >= budgetMs - 50 && isDeadlineExceeded(error)) {
      throw new Unavailable(budgetMs <= TEMPORAL_REACH_MS
        ? `Temporal does not answer (no reply within ${budgetMs / 1000} s); retry shortly`
        : `Temporal did not finish within ${budgetMs / 1000} s; the change may still be applied, check before retrying`);
    }
    throw error;
  });
  if (budgetMs <= TEMPORAL_REACH_MS) return answer;
  let timer: NodeJS.Timeout | undefined;
  const unreachable = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reachable(temporal, started + TEMPORAL_REACH_MS).catch(() => {
        reject(new Unavailable(`Temporal does not answer (no reply within ${TEMPORAL_REACH_MS / 1000} s); retry shortly`));
      });
    }, CHECK_AFTER_MS);
  });
  try {
    return await Promise.race([answer, unreachable]);
  } finally {
    clearTimeout(timer);
    // Whichever loses the race settles later, unobserved.
    answer.catch(() => undefined);
    unreachable.catch(() => undefined);
  }
}

/** The check in flight per client: many slow calls at once (a busy moment) share one GetSystemInfo. */
const checking = new WeakMap<Client, Promise<unknown>>();

function reachable(temporal: Client, deadline: number): Promise<unknown> {
  let check = checking.get(temporal);
  if (!check) {
    const { connection } = temporal;
    check = connection.withDeadline(deadline, () => connection.workflowService.getSystemInfo({}))
      .finally(() => checking.delete(temporal));
    checking.set(temporal, check);
  }
  return check;
}

/** gRPC DEADLINE_EXCEEDED (4), however the SDK wrapped it (ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError). */
function isDeadlineExceeded(error: unknown): boolean {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 5; current = current.cause as typeof current, depth += 1) {
    if (current.code === 4) return true;
  }
  return false;
}
