import type { Logger } from 'pino';
import { TenantConnections, type Query } from './tenant-connections.js';

export { isoTimestamp, type Query } from './tenant-connections.js';

/**
 * The hot read path: plain rows from named prepared statements, on read-only connections of the app
 * role that keep their tenant (tenant-connections.ts): a read of the tenant a connection already
 * serves is one round trip. No ORM hydration, identity map or change tracking. For the list and
 * retrieve operations called far more often than anything else; the SQL still names `tenant_id` itself
 * (the application filter), with RLS underneath. Each statement sees its own snapshot. Timestamps
 * come back as PostgreSQL's text in UTC: `isoTimestamp()` turns them into the API's form.
 */
export class TenantReader {
  private readonly connections: TenantConnections;

  constructor(appUrl: string, log: Logger, max = 10) {
    this.connections = new TenantConnections(appUrl, log, { max, readOnly: true, what: 'tenant reader' });
  }

  read<T>(tenantId: string, work: (query: Query) => Promise<T>): Promise<T> {
    return this.connections.run(tenantId, work);
  }

  close(): Promise<void> {
    return this.connections.close();
  }
}
