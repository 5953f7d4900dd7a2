import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mail } from './mailer.js';
import { ulid } from 'ulid';

/** One email kept by the development outbox. */
export interface OutboxMail extends Mail {
  id: string;
  from: string;
  sent_at: string;
}

/**
 * Where mail goes in development when SMTP_URL is unset: one JSON file per message under
 * `<dataDir>/outbox`, so verification, reset and invitation emails can be read (and their tokens
 * used) from `GET /dev/outbox`, across restarts and by every process of the deployment. The newest
 * `keep` messages are kept. Never used when NODE_ENV=production.
 */
export class MailOutbox {
  constructor(
    readonly dir: string,
    private readonly keep = 200,
  ) {}

  add(mail: Mail, from: string): OutboxMail {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // ULIDs sort by time: the file names are the order.
    const stored: OutboxMail = { id: `msg_${ulid()}`, from, to: mail.to, subject: mail.subject, text: mail.text, sent_at: new Date().toISOString() };
    writeFileSync(join(this.dir, `${stored.id}.json`), JSON.stringify(stored) + '\n', { mode: 0o600 });
    const files = this.files();
    for (const old of files.slice(0, Math.max(0, files.length - this.keep))) rmSync(join(this.dir, old), { force: true });
    return stored;
  }

  /** Newest first; `to` narrows to one recipient (case-insensitive). */
  list(options: { to?: string; limit?: number } = {}): OutboxMail[] {
    const to = options.to?.toLowerCase();
    const found: OutboxMail[] = [];
    for (const file of this.files().reverse()) {
      let mail: OutboxMail;
      try {
        mail = JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as OutboxMail;
      } catch {
        continue; // removed meanwhile by another process trimming the outbox
      }
      if (to && mail.to.toLowerCase() !== to) continue;
      found.push(mail);
      if (found.length >= (options.limit ?? 50)) break;
    }
    return found;
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private files(): string[] {
    try {
      return readdirSync(this.dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
    } catch {
      return [];
    }
  }
}
