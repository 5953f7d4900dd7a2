import pg from 'pg';
import type { Logger } from 'pino';
import { CONNECT_TIMEOUT_MS } from './pool.js';

export interface ListenerEvents {
  /** A NOTIFY arrived on the channel. */
  notification(): void;
  /** Listening (again): notifications sent while it was down were missed, so catch up here. */
  up?(): void;
  /** The connection is lost; it reconnects with backoff. */
  down?(): void;
}

/**
 * A LISTEN connection that reconnects by itself (backoff up to 30 s) after the database restarts or
 * fails over, telling its owner when it is down and up again.
 */
export class Listener {
  private client?: pg.Client;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly log: Logger,
    private readonly events: ListenerEvents,
  ) {}

  /** Resolves after the first attempt, connected or not (it keeps retrying in the background). */
  start(): Promise<void> {
    return this.connect(0);
  }

  private retry(attempt: number): void {
    if (!this.closed) setTimeout(() => void this.connect(attempt + 1), Math.min(30_000, 250 * 2 ** attempt)).unref();
  }

  private async connect(attempt: number): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    let lost = false;
    const lose = (err: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      if (!this.closed) this.log.warn({ err: String(err), channel: this.channel }, 'LISTEN connection lost; reconnecting');
      this.events.down?.();
      client.end().catch(() => {});
      this.retry(attempt);
    };
    client.on('notification', () => this.events.notification());
    client.on('error', lose);
    client.on('end', () => lose(new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`listen ${this.channel}`);
      if (this.closed || lost) return void client.end().catch(() => {});
      this.client = client;
      attempt = 0;
      this.events.up?.();
    } catch (err) {
      if (!lost) {
        lost = true;
        if (attempt === 0 || attempt % 10 === 0) this.log.warn({ err: String(err), channel: this.channel }, 'LISTEN connection failed; retrying');
        this.events.down?.();
        client.end().catch(() => {});
        this.retry(attempt);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => {});
  }
}
