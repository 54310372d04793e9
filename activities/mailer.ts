import nodemailer from 'nodemailer';

export interface Mail { to: string; subject: string; text: string }

/** The e-mail channel; without SMTP_URL notifications stay in the outbox table only. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
