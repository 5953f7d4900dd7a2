import type pg from 'pg';

/** Retention, across tenants: entries older than each tenant's audit_retention_days. */
export async function deleteExpiredEntries(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(
    `delete from audit_logs a using tenants t where a.tenant_id = t.id and a.occurred_at < now() - make_interval(days => t.audit_retention_days)`,
  );
  return rowCount ?? 0;
}

/** Retention: an export's file is dropped when it expires (the export row stays, as a record). */
export async function dropExpiredExportFiles(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(`update audit_exports set content = null where expires_at < now() and content is not null`);
  return rowCount ?? 0;
}
