import type { Context } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from './logger';
import { REQUEST_ID_HEADER } from './request-context';

/** Which booking and request an activity serves, from its workflow id and the workflow's header. */
function bindingsOf(ctx: Context, requestId: string | undefined) {
  const { workflowExecution, activityType, attempt } = ctx.info;
  const workflowId = workflowExecution?.workflowId ?? 'none';
  return {
    workflowId,
    ...(workflowId.startsWith('booking-') && { bookingId: workflowId.slice('booking-'.length) }),
    ...(requestId && { requestId }),
    activity: activityType,
    attempt,
  };
}

/**
 * Each activity's own log line (its outcome and duration) with the request id and booking id, and
 * the same attributes on every line the SDK or the activity logs through `ctx.log`.
 */
export function activityLogInterceptor(logger: Logger): ActivityInterceptorsFactory {
  return (ctx) => {
    let requestId: string | undefined;
    return {
      inbound: {
        async execute(input, next) {
          const payload = input.headers[REQUEST_ID_HEADER];
          requestId = payload ? defaultPayloadConverter.fromPayload<string>(payload) : undefined;
          const started = performance.now();
          const log = logger.child(bindingsOf(ctx, requestId));
          try {
            const result = await next(input);
            log.info({ durationMs: Math.round(performance.now() - started) }, 'activity completed');
            return result;
          } catch (error) {
            log.warn({ durationMs: Math.round(performance.now() - started), err: error }, 'activity failed');
            throw error;
          }
        },
      },
      outbound: {
        getLogAttributes: (input, next) => next({ ...input, ...bindingsOf(ctx, requestId) }),
      },
    };
  };
}
