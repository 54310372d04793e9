import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  /** An iCalendar invitation: nodemailer sends it as the text/calendar part and as an attachment. */
  ics?: { method: 'REQUEST' | 'CANCEL'; content: string } | null;
}

/** The e-mail channel; without SMTP_URL notifications stay in the outbox table only. */
export interface Mailer {
  /** Resolves with the message id the mail server accepted; a refusal or an unreachable server throws. */
  send(mail: Mail): Promise<{ messageId: string }>;
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from, to: mail.to, subject: mail.subject, text: mail.text,
        ...(mail.html && { html: mail.html }),
        ...(mail.ics && { icalEvent: { method: mail.ics.method, filename: 'booking.ics', content: mail.ics.content } }),
      });
      return { messageId: info.messageId };
    },
  };
}
