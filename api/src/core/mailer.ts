import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { MailOutbox } from './outbox.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * SMTP when `SMTP_URL` is set. Otherwise, in development, the local outbox (`GET /dev/outbox`); in
 * production, one log line with the address and subject only (never the token).
 */
export function createMailer(smtpUrl: string | undefined, from: string, log: Logger, outbox?: MailOutbox): Mailer {
  if (!smtpUrl && outbox) {
    return {
      async send(mail) {
        const kept = outbox.add(mail, from);
        log.info({ mail_id: kept.id, subject: mail.subject }, 'mail kept in the development outbox (GET /dev/outbox): SMTP_URL is unset');
      },
    };
  }
  if (!smtpUrl) {
    return {
      async send(mail) {
        const [local, domain] = mail.to.split('@');
        log.info({ to: `${local.slice(0, 1)}***@${domain}`, subject: mail.subject }, 'mail not sent: SMTP_URL is unset');
      },
    };
  }
  // Loaded only when mail is configured: a deployment without SMTP does not carry nodemailer in memory.
  let transport: Promise<Transporter> | undefined;
  return {
    async send(mail) {
      transport ??= import('nodemailer').then((m) => m.createTransport(smtpUrl));
      await (await transport).sendMail({ from, ...mail });
    },
  };
}
