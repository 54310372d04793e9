import {
  defaultPayloadConverter, log, workflowInfo, type Headers, type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';

const REQUEST_ID_HEADER = 'request-id';

/**
 * The id of the last API request that reached this workflow (start, update or signal): added to
 * its log lines and passed on to the activities it schedules. Module state is per workflow run.
 */
let requestId: string | undefined;

function remember(headers: Headers): void {
  const payload = headers[REQUEST_ID_HEADER];
  if (payload) requestId = defaultPayloadConverter.fromPayload<string>(payload);
}

function passOn(headers: Headers): Headers {
  return requestId ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } : headers;
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [{
    execute(input, next) {
      remember(input.headers);
      log.info('workflow started');
      return next(input);
    },
    handleUpdate(input, next) {
      remember(input.headers);
      log.info('update received', { update: input.name });
      return next(input);
    },
    handleSignal(input, next) {
      remember(input.headers);
      return next(input);
    },
  }],
  outbound: [{
    scheduleActivity: (input, next) => next({ ...input, headers: passOn(input.headers) }),
    scheduleLocalActivity: (input, next) => next({ ...input, headers: passOn(input.headers) }),
    getLogAttributes(input, next) {
      const { workflowId } = workflowInfo();
      return next({
        ...input,
        ...(workflowId.startsWith('booking-') && { bookingId: workflowId.slice('booking-'.length) }),
        ...(requestId && { requestId }),
      });
    },
  }],
});
