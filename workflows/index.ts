export { bookingWorkflow } from './booking';
export { deliverBookingEvent } from './webhook-delivery';
export { cancelSessionWorkflow, changeSessionCapacityWorkflow, reserveSessionsWorkflow } from './sessions';
export { reconcileBookingsWorkflow } from './reconciler';
export { anonymizeExpiredBookingsWorkflow } from './retention';
export { calendarSyncWorkflow } from './calendar-sync';
