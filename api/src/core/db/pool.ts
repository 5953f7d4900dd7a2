import pg from 'pg';
import type { Logger } from 'pino';

/** How long any pool waits for a new connection before the request fails (503 database_unavailable). */
export const CONNECT_TIMEOUT_MS = 5000;

/**
 * A `pg.Pool` that survives the database going away. pg reports a dropped connection as an `'error'`
 * event, and an `'error'` event without a listener kills the process: pg-pool listens on idle
 * clients (re-emitting on the pool) but not on checked-out ones. So both get a listener here; the query
 * in flight rejects on its own (a 503 for the request), the broken client is discarded, and the next
 * checkout connects afresh once the database is back.
 */
export function guardedPool(options: pg.PoolConfig, log: Logger, what: string): pg.Pool {
  const pool = new pg.Pool({ connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...options });
  pool.on('error', (err) => log.warn({ err: String(err) }, `${what}: idle database connection lost`));
  pool.on('connect', (client) => client.on('error', (err) => log.warn({ err: String(err) }, `${what}: database connection lost`)));
  return pool;
}
