import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { nameFilter } from '../../core/db/sql.js';
import type { AuditExportDto, AuditLogFilter, AuditLogRow } from './audit.dto.js';

// ---- entries: run inside a tenant transaction, where RLS scopes the rows ----

/** SQL conditions for a filter, with `?` placeholders (run inside a tenant transaction: RLS scopes the rows). */
export function filterSql(filter: AuditLogFilter): { where: string[]; params: unknown[] } {
  // Pending entries (not sealed into the chain yet) are not listed or exported: reads seal first.
  const where: string[] = ['seq is not null'];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (filter.actor) add(`actor->>'id' = ?`, filter.actor);
  if (filter.action) {
    const { sql, value } = nameFilter('action', filter.action);
    add(sql, value);
  }
  if (filter.target) add('target_id = ?', filter.target);
  if (filter.created_gte) add('occurred_at >= ?', new Date(filter.created_gte).toISOString());
  if (filter.created_lt) add('occurred_at < ?', new Date(filter.created_lt).toISOString());
  return { where, params };
}

/** A page of entries matching `where` (from filterSql), newest first. */
export function entriesNewestFirst(em: EntityManager, where: string[], params: unknown[], limit: number): Promise<AuditLogRow[]> {
  return em.execute<AuditLogRow[]>(`select * from audit_logs ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit ?`, [
    ...params,
    limit,
  ]);
}

/** How many entries match `clause` (`and ...` conditions from filterSql, or empty). */
export async function countMatchingEntries(em: EntityManager, clause: string, params: unknown[]): Promise<number> {
  const [{ count }] = (await em.execute<{ count: string }[]>(`select count(*) from audit_logs where true ${clause}`, params)) as [{ count: string }];
  return Number(count);
}

/** The next chunk of entries matching `clause`, in chain order after `afterSeq`. */
export function matchingEntriesAfter(em: EntityManager, afterSeq: number, clause: string, params: unknown[], limit: number): Promise<AuditLogRow[]> {
  return em.execute<AuditLogRow[]>(`select * from audit_logs where seq > ? ${clause} order by seq limit ?`, [afterSeq, ...params, limit]);
}

/** The next chunk of all entries, in chain order after `afterSeq`. */
export function entriesAfter(em: EntityManager, afterSeq: number, limit: number): Promise<AuditLogRow[]> {
  return em.execute<AuditLogRow[]>(`select * from audit_logs where seq > ? order by seq limit ?`, [afterSeq, limit]);
}

/** The tenant's chain head (none before its first entry). */
export async function chainHead(em: EntityManager): Promise<{ seq: string; hash: string } | undefined> {
  const [head] = await em.execute<{ seq: string; hash: string }[]>(`select seq, hash from audit_chain_heads`);
  return head;
}

// ---- sealing: pending entries join the tenant's chain ----

/** The tenant's pending entries (not sealed yet), oldest id first. */
export function pendingEntries(em: EntityManager, limit: number): Promise<AuditLogRow[]> {
  return em.execute<AuditLogRow[]>(`select * from audit_logs where seq is null order by id limit ?`, [limit]);
}

/** How many entries are still pending (committed after a read sealed, or not yet committed). */
export async function pendingCount(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ count: string }[]>(`select count(*) from audit_logs where seq is null`);
  return Number(row!.count);
}

/** The tenant's chain head, created at the genesis hash if new, locked until the transaction ends. */
export async function lockChainHead(em: EntityManager, tenantId: string, genesis: string): Promise<{ seq: string; hash: string }> {
  const [head] = await em.execute<{ seq: string; hash: string }[]>(
    `insert into audit_chain_heads (tenant_id, seq, hash) values (?, 0, ?)
     on conflict (tenant_id) do update set seq = audit_chain_heads.seq returning seq, hash`,
    [tenantId, genesis],
  );
  return head!;
}

/** Writes the seals (seq and hashes) of entries and moves the chain head to the last of them. */
export async function sealEntries(
  em: EntityManager,
  tenantId: string,
  sealed: { id: string; seq: number; prev_hash: string; hash: string }[],
  head: { seq: number; hash: string },
): Promise<void> {
  await em.execute(
    `update audit_logs a set seq = s.seq, prev_hash = s.prev_hash, hash = s.hash
       from jsonb_to_recordset(?::jsonb) as s (id text, seq bigint, prev_hash text, hash text) where a.id = s.id`,
    [JSON.stringify(sealed.map(({ id, seq, prev_hash, hash }) => ({ id, seq, prev_hash, hash })))],
  );
  await em.execute(`update audit_chain_heads set seq = ?, hash = ? where tenant_id = ?`, [head.seq, head.hash, tenantId]);
}

/** Across tenants (the owner's pool): the tenants with pending entries. */
export async function tenantsWithPendingEntries(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ tenant_id: string }>(`select distinct tenant_id from audit_logs where seq is null`);
  return rows.map((r) => r.tenant_id);
}

// ---- exports ----

export interface ExportRow {
  id: string;
  status: AuditExportDto['status'];
  format: AuditExportDto['format'];
  filter: AuditLogFilter;
  total_rows: number | null;
  exported_rows: number;
  error: string | null;
  created_at: Date;
  completed_at: Date | null;
  expires_at: Date | null;
}

export async function insertExport(em: EntityManager, e: { id: string; tenantId: string; format: string; filter: AuditLogFilter }): Promise<void> {
  await em.execute(`insert into audit_exports (id, tenant_id, status, format, filter, created_at) values (?, ?, 'pending', ?, ?::jsonb, now())`, [
    e.id,
    e.tenantId,
    e.format,
    JSON.stringify(e.filter),
  ]);
}

/** An export's status and progress, without its file. */
export async function exportById(em: EntityManager, id: string): Promise<ExportRow | undefined> {
  const [row] = await em.execute<ExportRow[]>(
    `select id, status, format, filter, total_rows, exported_rows, error, created_at, completed_at, expires_at from audit_exports where id = ?`,
    [id],
  );
  return row;
}

/** An export's file: null once retention dropped it. */
export async function exportContent(em: EntityManager, id: string): Promise<string | null | undefined> {
  const [file] = await em.execute<{ content: string | null }[]>(`select content from audit_exports where id = ?`, [id]);
  return file?.content;
}

/** Marks the export running with an empty file and the number of entries it will hold. */
export async function startExport(em: EntityManager, id: string, totalRows: number): Promise<void> {
  await em.execute(`update audit_exports set status = 'running', total_rows = ?, exported_rows = 0, content = '' where id = ?`, [totalRows, id]);
}

/** Appends a formatted chunk to the export's file and counts its rows. */
export async function appendToExport(em: EntityManager, id: string, content: string, rows: number): Promise<void> {
  await em.execute(`update audit_exports set content = content || ?, exported_rows = exported_rows + ? where id = ?`, [content, rows, id]);
}

export async function completeExport(em: EntityManager, id: string, ttlDays: number): Promise<void> {
  await em.execute(`update audit_exports set status = 'succeeded', completed_at = now(), expires_at = now() + make_interval(days => ?) where id = ?`, [
    ttlDays,
    id,
  ]);
}

export async function markExportFailed(em: EntityManager, id: string, reason: string): Promise<void> {
  await em.execute(`update audit_exports set status = 'failed', error = ?, completed_at = now() where id = ?`, [reason, id]);
}

// ---- retention, across tenants ----

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
