import type { OutboundPolicy } from '../outbound/address-policy';
import type { CalendarConnectionType } from '../db/schema';
import { createCalDavProvider } from './caldav/provider';
import { createIcsFeedProvider } from './ics-feed';
import type { CalendarProvider } from './provider';

/** The provider of each connection type, every one under the same outbound policy. */
export function calendarProviders(policy: OutboundPolicy): Record<CalendarConnectionType, CalendarProvider> {
  return { caldav: createCalDavProvider({ policy }), ics: createIcsFeedProvider(policy) };
}
