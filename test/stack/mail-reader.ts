import { simpleParser, type ParsedMail } from 'mailparser';
import ical, { type VEvent } from 'node-ical';
import type { ReceivedMail } from './smtp-inbox';

export interface ReadMail { to: string[]; parsed: ParsedMail; ics: string | null; event: VEvent | null; method: string | null }

/** A received message parsed as a mail client would, with its calendar part read by node-ical. */
export async function readMail(mail: ReceivedMail): Promise<ReadMail> {
  const parsed = await simpleParser(mail.raw);
  const attachment = parsed.attachments.find((part) => part.contentType.startsWith('text/calendar'));
  const ics = attachment ? attachment.content.toString('utf8') : null;
  const event = ics ? Object.values(ical.sync.parseICS(ics)).find((component) => component?.type === 'VEVENT') as VEvent : null;
  return { to: mail.to, parsed, ics, event: event ?? null, method: ics ? /^METHOD:(\w+)/m.exec(ics)?.[1] ?? null : null };
}
