import type { Logger } from 'pino';
import { Listener } from '../db/listener.js';
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
  private listener?: Listener;

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
    this.listener = new Listener(url, CREDENTIALS_CHANNEL, log, {
      notification: () => this.clear(),
      up: () => {
        this.clear();
        this.listening = true;
      },
      down: () => {
        this.listening = false;
        this.clear();
      },
    });
    await this.listener.start();
  }

  async close(): Promise<void> {
    this.listening = false;
    this.clear();
    await this.listener?.close();
  }
}

/** Inside the transaction of a change to keys or tenant status: every process drops its cache on commit. */
export async function announceCredentialChange(em: { execute(sql: string, params?: unknown[]): Promise<unknown> }): Promise<void> {
  await em.execute(`select pg_notify(?, '')`, [CREDENTIALS_CHANNEL]);
}
