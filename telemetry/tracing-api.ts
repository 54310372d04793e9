import { startTracing } from './tracing';

/**
 * The API's first import: tracing (when configured) starts before http, express and pg are loaded,
 * so that they are instrumented.
 */
startTracing('booking-api');
