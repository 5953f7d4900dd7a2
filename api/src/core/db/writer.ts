import type { Logger } from 'pino';
import { numbered, withChanges, type Change, type Origin, type Statement } from '../events/record.js';
import { TenantConnections } from './tenant-connections.js';
import type { Grant } from './unit-of-work.js';

/**
 * The hot write path: a change, its events and its audit entries in **one statement** (one round trip,
 * atomic on its own), a named prepared statement on connections of the app role that keep their tenant
 * (tenant-connections.ts). For creates, whose row, event and audit entry are all known before the
 * database is asked; changes that must read before they write (updates, deletes) use `inTenant`.
 */
export class TenantWriter {
  private readonly connections: TenantConnections;

  constructor(appUrl: string, log: Logger, max = 10) {
    this.connections = new TenantConnections(appUrl, log, { max, readOnly: false, what: 'tenant writer' });
  }

  /**
   * Runs `main` (with `?` placeholders) with the writes of `changes`. `name` names the prepared
   * statement; the shape of the changes (how many entries and events) is added to it, since it decides
   * the SQL text.
   */
  async write(grant: Grant, name: string, main: Statement, origin: Origin, changes: Change[]): Promise<void> {
    const { sql, values } = withChanges(main, grant.tenantId, origin, changes);
    const shape = `${changes.length}.${changes.filter((c) => c.object).length}`;
    await this.connections.run(grant.tenantId, (query) => query(`${name}:${shape}`, numbered(sql), values));
  }

  close(): Promise<void> {
    return this.connections.close();
  }
}
