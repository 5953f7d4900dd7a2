import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { auditHash, GENESIS_HASH, OUTBOX_CHANNEL } from '../../core/events/record.js';
import { newId } from '../../core/ids.js';
import type { Deps } from '../../core/deps.js';
import { toAuditDto, type AuditLogRow } from './audit.dto.js';

/** How many pending entries one sealing transaction takes. */
const SEAL_BATCH = 500;

/** The tenant's pending entries, oldest id first. */
function pendingEntries(em: EntityManager, limit: number): Promise<AuditLogRow[]> {
  return em.execute<AuditLogRow[]>(`select * from audit_logs where seq is null order by id limit ?`, [limit]);
}

/**
 * Seals the tenant's pending audit entries into its hash chain, inside the caller's tenant transaction:
 * under the chain head's row lock, each pending entry (in id order) gets the next `seq`, the previous
 * entry's hash and its own, and is announced as an `audit.entry.created` event. Sealers of one tenant
 * (the worker, and every audit read that seals first) take turns on that lock; writers never touch it.
 * Returns how many entries it sealed (call again while it returns a full batch).
 */
export async function sealPending(em: EntityManager, tenantId: string, limit = SEAL_BATCH): Promise<number> {
  if (!(await pendingEntries(em, 1)).length) return 0;
  const [head] = await em.execute<{ seq: string; hash: string }[]>(
    `insert into audit_chain_heads (tenant_id, seq, hash) values (?, 0, ?)
     on conflict (tenant_id) do update set seq = audit_chain_heads.seq returning seq, hash`,
    [tenantId, GENESIS_HASH],
  );
  // Read again under the lock: a sealer that held it before us has sealed what it saw.
  const rows = await pendingEntries(em, limit);
  if (!rows.length) return 0;
  let seq = Number(head!.seq);
  let prevHash = head!.hash;
  const sealed = rows.map((row) => {
    seq += 1;
    const { object: _o, hash: _h, prev_hash: _p, ...content } = toAuditDto(row);
    const entry = { ...content, seq };
    const hash = auditHash(prevHash, entry);
    const dto = { ...entry, object: 'audit_log' as const, hash, prev_hash: prevHash };
    prevHash = hash;
    return dto;
  });
  await em.execute(
    `update audit_logs a set seq = s.seq, prev_hash = s.prev_hash, hash = s.hash
       from jsonb_to_recordset(?::jsonb) as s (id text, seq bigint, prev_hash text, hash text) where a.id = s.id`,
    [JSON.stringify(sealed.map(({ id, seq, prev_hash, hash }) => ({ id, seq, prev_hash, hash })))],
  );
  await em.execute(`update audit_chain_heads set seq = ?, hash = ? where tenant_id = ?`, [seq, prevHash, tenantId]);
  const now = new Date().toISOString();
  await em.execute(
    `insert into events (id, tenant_id, type, created_at, data, request_id) values ${sealed.map(() => `(?, ?, 'audit.entry.created', ?, ?::jsonb, ?)`).join(', ')}`,
    sealed.flatMap((e) => [newId('event'), tenantId, now, JSON.stringify({ object: e }), e.request_id]),
  );
  await em.execute(`select pg_notify(?, '')`, [OUTBOX_CHANNEL]);
  return sealed.length;
}

/**
 * Before an audit read: everything committed so far is sealed (in the read's own transaction), so a
 * caller always reads its own writes as sealed entries.
 */
export async function sealBeforeReading(em: EntityManager, tenantId: string): Promise<void> {
  while ((await sealPending(em, tenantId)) === SEAL_BATCH);
}

/** How many entries are still pending (committed after the read sealed, or not yet committed). */
export async function pendingCount(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ count: string }[]>(`select count(*) from audit_logs where seq is null`);
  return Number(row!.count);
}

/** Seals everything pending for one tenant, batch by batch, each in its own transaction. */
export async function sealTenant(deps: Deps, tenantId: string): Promise<number> {
  const grant = systemGrant(tenantId, 'sealing committed audit entries into their own tenant chain');
  let total = 0;
  for (;;) {
    const n = await inTenant(deps.orm, grant, (em) => sealPending(em, tenantId));
    total += n;
    if (n < SEAL_BATCH) return total;
  }
}

/** The worker's pass, across tenants (the owner's pool sees every tenant's pending entries). */
export async function sealAll(deps: Deps, pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ tenant_id: string }>(`select distinct tenant_id from audit_logs where seq is null`);
  let total = 0;
  for (const { tenant_id } of rows) total += await sealTenant(deps, tenant_id);
  return total;
}
