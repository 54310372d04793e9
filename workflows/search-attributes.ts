import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
