/** What a calendar service needs to prefill an event. */
export interface CalendarEvent { title: string; start: Date; end: Date; details: string; location: string | null }

const compact = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Google Calendar's "create event" template link: UTC times, so no zone is guessed. */
export function googleCalendarLink(event: CalendarEvent): string {
  return `https://calendar.google.com/calendar/render?${new URLSearchParams({
    action: 'TEMPLATE', text: event.title, dates: `${compact(event.start)}/${compact(event.end)}`, details: event.details,
    ...(event.location && { location: event.location }),
  })}`;
}

/** Outlook on the web's compose deep link (personal accounts; work accounts open the same form after sign-in). */
export function outlookCalendarLink(event: CalendarEvent): string {
  return `https://outlook.live.com/calendar/0/deeplink/compose?${new URLSearchParams({
    path: '/calendar/action/compose', rru: 'addevent', subject: event.title,
    startdt: event.start.toISOString(), enddt: event.end.toISOString(), body: event.details,
    ...(event.location && { location: event.location }),
  })}`;
}
