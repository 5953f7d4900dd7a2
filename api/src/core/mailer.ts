import { createTransport, type Transporter } from 'nodemailer';
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
  const transport: Transporter = createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
  };
}
