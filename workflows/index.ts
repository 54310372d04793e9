export { bookingWorkflow } from './booking';
export { deliverBookingEvent } from './webhook-delivery';
