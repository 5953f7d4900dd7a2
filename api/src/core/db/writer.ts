import type { Logger } from 'pino';
import { numbered, OUTBOX_CHANNEL, withChanges, type Change, type Origin, type Statement } from '../events/record.js';
import { TenantConnections } from './tenant-connections.js';
import type { Grant } from './unit-of-work.js';

/** The longest a committed write waits for the NOTIFY that wakes the worker. */
const WAKE_UP_INTERVAL_MS = 25;

/**
 * Wakes the worker at most once per interval instead of once per write. A transaction that sends a
 * NOTIFY takes a database-wide lock at commit and holds it through the commit's WAL flush, so
 * concurrent writers that all notify commit one after another. The first write of an interval carries
 * the NOTIFY; a write that did not sends one after it committed, at most an interval later, so every
 * committed write is followed by a wake-up within the interval (the worker's poll is the backstop).
 */
export class WakeUps {
  private last = 0;
  private trailing?: NodeJS.Timeout;

  constructor(private readonly send: () => Promise<void>) {}

  /** Whether this write should carry the NOTIFY itself. */
  lead(): boolean {
    const now = Date.now();
    if (now - this.last < WAKE_UP_INTERVAL_MS) return false;
    this.last = now;
    return true;
  }

  /** After a write that did not carry one committed: a NOTIFY follows within the interval. */
  trail(): void {
    this.trailing ??= setTimeout(() => {
      this.trailing = undefined;
      this.last = Date.now();
      void this.send();
    }, WAKE_UP_INTERVAL_MS);
  }

  /** On shutdown: the wake-up still owed is sent now. */
  async flush(): Promise<void> {
    if (!this.trailing) return;
    clearTimeout(this.trailing);
    this.trailing = undefined;
    await this.send();
  }
}

/**
 * The hot write path: a change, its events and its audit entries in **one statement** (one round trip,
 * atomic on its own), a named prepared statement on connections of the app role that keep their tenant
 * (tenant-connections.ts). For creates, whose row, event and audit entry are all known before the
 * database is asked; changes that must read before they write (updates, deletes) use `inTenant`.
 */
export class TenantWriter {
  private readonly connections: TenantConnections;
  private readonly wakeUps: WakeUps;

  constructor(appUrl: string, log: Logger, max = 10) {
    this.connections = new TenantConnections(appUrl, log, { max, readOnly: false, what: 'tenant writer' });
    this.wakeUps = new WakeUps(() =>
      this.connections.notify(OUTBOX_CHANNEL).catch((err) => log.warn({ err: String(err) }, 'could not wake the worker; its poll will')),
    );
  }

  /**
   * Runs `main` (with `?` placeholders) with the writes of `changes`. `name` names the prepared
   * statement; the shape of the changes (how many entries and events, whether it notifies) is added
   * to it, since it decides the SQL text.
   */
  async write(grant: Grant, name: string, main: Statement, origin: Origin, changes: Change[]): Promise<void> {
    const notify = this.wakeUps.lead();
    const { sql, values } = withChanges(main, grant.tenantId, origin, changes, notify);
    const shape = `${changes.length}.${changes.filter((c) => c.object).length}${notify ? '.n' : ''}`;
    await this.connections.run(grant.tenantId, (query) => query(`${name}:${shape}`, numbered(sql), values));
    if (!notify) this.wakeUps.trail();
  }

  async close(): Promise<void> {
    await this.wakeUps.flush();
    await this.connections.close();
  }
}
