import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { BookingSnapshot } from '../domain/booking-types';

/** What operators filter bookings by in the Temporal UI; upserted on every transition. */
export const BookingStatusKey = defineSearchAttributeKey('BookingStatus', SearchAttributeType.KEYWORD);
export const ServiceIdKey = defineSearchAttributeKey('ServiceId', SearchAttributeType.KEYWORD);
export const ResourceIdsKey = defineSearchAttributeKey('ResourceIds', SearchAttributeType.KEYWORD_LIST);
export const SessionIdKey = defineSearchAttributeKey('SessionId', SearchAttributeType.KEYWORD);
export const CustomerEmailKey = defineSearchAttributeKey('CustomerEmail', SearchAttributeType.KEYWORD);
export const BookingStartKey = defineSearchAttributeKey('BookingStart', SearchAttributeType.DATETIME);

export const bookingSearchAttributes = [
  BookingStatusKey, ServiceIdKey, ResourceIdsKey, SessionIdKey, CustomerEmailKey, BookingStartKey,
];

/**
 * A booking's search attributes as they stand: set by the API when it starts the workflow of a hold
 * it placed (so the workflow need not upsert them), then upserted by the workflow on each transition.
 */
export function searchAttributesOf(status: string, booking: BookingSnapshot): SearchAttributePair[] {
  return [
    { key: BookingStatusKey, value: status },
    { key: ServiceIdKey, value: booking.serviceId },
    { key: ResourceIdsKey, value: booking.resourceIds },
    { key: BookingStartKey, value: new Date(booking.start) },
    ...(booking.customerEmail ? [{ key: CustomerEmailKey, value: booking.customerEmail }] : []),
    ...(booking.sessionId ? [{ key: SessionIdKey, value: booking.sessionId }] : []),
  ];
}
