import { startTracing } from './tracing';

/**
 * The worker's first import: tracing (when configured) starts before pg and http are loaded, so
 * that the activities' queries and calls are instrumented.
 */
startTracing('booking-worker');
