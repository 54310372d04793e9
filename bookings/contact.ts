import type { BookingContact, HoldRequest } from '../domain/booking-types';

interface ContactFields {
  extra_emails?: string[];
  extra_phone_numbers?: string[];
  external_id?: string;
  label?: string;
  display_label?: string;
}

/** The reservation's contact data as the hold carries it; nothing at all when none was given. */
export function contactOf(body: ContactFields): Pick<HoldRequest, 'contact'> {
  const contact: BookingContact = {
    ...(body.extra_emails && { extraEmails: body.extra_emails }),
    ...(body.extra_phone_numbers && { extraPhoneNumbers: body.extra_phone_numbers }),
    ...(body.external_id && { externalId: body.external_id }),
    ...(body.label && { label: body.label }),
    ...(body.display_label && { displayLabel: body.display_label }),
  };
  return Object.keys(contact).length > 0 ? { contact } : {};
}
