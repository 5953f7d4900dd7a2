import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** SMTP when `SMTP_URL` is set; otherwise one log line with the address and subject only (no link or token). */
export function createMailer(smtpUrl: string | undefined, from: string, log: Logger): Mailer {
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
