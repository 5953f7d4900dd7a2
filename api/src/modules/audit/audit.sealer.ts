import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { announce, auditHash, GENESIS_HASH } from '../../core/events/record.js';
import type { Deps } from '../../core/deps.js';
import { toAuditDto } from './audit.dto.js';
import { lockChainHead, pendingEntries, sealEntries, tenantsWithPendingEntries } from './audit.repository.js';

/** How many pending entries one sealing transaction takes. */
const SEAL_BATCH = 500;

/**
 * Seals the tenant's pending audit entries into its hash chain, inside the caller's tenant transaction:
 * under the chain head's row lock, each pending entry (in id order) gets the next `seq`, the previous
 * entry's hash and its own, and is announced as an `audit.entry.created` event. Sealers of one tenant
 * (the worker, and every audit read that seals first) take turns on that lock; writers never touch it.
 * Returns how many entries it sealed (call again while it returns a full batch).
 */
export async function sealPending(em: EntityManager, tenantId: string, limit = SEAL_BATCH): Promise<number> {
  if (!(await pendingEntries(em, 1)).length) return 0;
  const head = await lockChainHead(em, tenantId, GENESIS_HASH);
  // Read again under the lock: a sealer that held it before us has sealed what it saw.
  const rows = await pendingEntries(em, limit);
  if (!rows.length) return 0;
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const sealed = rows.map((row) => {
    seq += 1;
    const { object: _o, hash: _h, prev_hash: _p, ...content } = toAuditDto(row);
    const entry = { ...content, seq };
    const hash = auditHash(prevHash, entry);
    const dto = { ...entry, object: 'audit_log' as const, hash, prev_hash: prevHash };
    prevHash = hash;
    return dto;
  });
  await sealEntries(em, tenantId, sealed, { seq, hash: prevHash });
  await announce(
    em,
    tenantId,
    sealed.map((e) => ({ type: 'audit.entry.created', object: e, requestId: e.request_id })),
  );
  return sealed.length;
}

/**
 * Before an audit read: everything committed so far is sealed (in the read's own transaction), so a
 * caller always reads its own writes as sealed entries.
 */
export async function sealBeforeReading(em: EntityManager, tenantId: string): Promise<void> {
  while ((await sealPending(em, tenantId)) === SEAL_BATCH);
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
  let total = 0;
  for (const tenantId of await tenantsWithPendingEntries(pool)) total += await sealTenant(deps, tenantId);
  return total;
}
