import pg from 'pg';
import type { Logger } from 'pino';
import type { Principal } from './principal.js';

export const CREDENTIALS_CHANNEL = 'plinth_credentials';

interface Entry {
  principal: Principal;
  /** When this entry must be looked up again (TTL), or the key itself stops working, whichever is first. */
  until: number;
}

/**
 * Verified API keys, kept in memory so the hot path needs no database round trip to authenticate.
 * Revocation stays immediate: every change that affects a key's principal (revoke, roll, tenant
 * suspension) sends a NOTIFY in its transaction, which every process receives on commit and answers
 * by dropping its cache; the process that made the change drops it at once. While the LISTEN
 * connection is down (so a notification could be missed) the cache is bypassed.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private listening = false;
  private listener?: pg.Client;
  private closed = false;

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): Principal | undefined {
    if (!this.listening) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  set(key: string, principal: Principal, expiresAt?: Date | null): void {
    if (!this.listening) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const until = Math.min(Date.now() + this.ttlMs, expiresAt ? expiresAt.getTime() : Infinity);
    this.entries.set(key, { principal, until });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Listens for invalidations; reconnects with backoff, bypassing the cache while disconnected. */
  async listen(url: string, log: Logger): Promise<void> {
    const connect = async (attempt: number): Promise<void> => {
      if (this.closed) return;
      const client = new pg.Client({ connectionString: url });
      client.on('notification', () => this.clear());
      client.on('error', (err) => {
        log.warn({ err: String(err) }, 'credential cache listener lost; bypassing the cache until it reconnects');
        this.listening = false;
        this.clear();
        client.end().catch(() => {});
        if (!this.closed) setTimeout(() => void connect(attempt + 1), Math.min(30_000, 500 * 2 ** attempt)).unref();
      });
      try {
        await client.connect();
        await client.query(`listen ${CREDENTIALS_CHANNEL}`);
        this.listener = client;
        this.clear();
        this.listening = true;
      } catch (err) {
        log.warn({ err: String(err) }, 'credential cache listener could not connect; retrying');
        client.end().catch(() => {});
        if (!this.closed) setTimeout(() => void connect(attempt + 1), Math.min(30_000, 500 * 2 ** attempt)).unref();
      }
    };
    await connect(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    this.clear();
    await this.listener?.end().catch(() => {});
  }
}

/** Inside the transaction of a change to keys or tenant status: every process drops its cache on commit. */
export async function announceCredentialChange(em: { execute(sql: string, params?: unknown[]): Promise<unknown> }): Promise<void> {
  await em.execute(`select pg_notify(?, '')`, [CREDENTIALS_CHANNEL]);
}
