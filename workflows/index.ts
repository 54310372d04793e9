export { bookingWorkflow } from './booking';
