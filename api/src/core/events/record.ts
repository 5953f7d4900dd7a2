import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../auth/principal.js';
import { newId } from '../ids.js';
import { canonicalJson, redact } from './canonical.js';

/** Who made a change. An operator acting in a descendant tenant is the credential plus `via_tenant_id`. */
export interface AuditActor {
  type: 'user' | 'api_key' | 'system';
  /** @example "usr_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string | null;
  /** The tenant that owns the credential, when it acts in a descendant tenant. */
  via_tenant_id?: string;
}

export interface Origin {
  actor: AuditActor;
  requestId?: string;
  ip?: string;
  userAgent?: string;
}

export function originOf(ctx: Ctx): Origin {
  const p = ctx.principal;
  const actor: AuditActor = { type: p.actor.type, id: p.actor.id };
  if (p.credentialTenantId !== p.tenantId) actor.via_tenant_id = p.credentialTenantId;
  return { actor, requestId: ctx.requestId, ip: ctx.ip, userAgent: ctx.userAgent };
}

export const systemOrigin: Origin = { actor: { type: 'system', id: null } };

export interface Resource {
  id: string;
  object: string;
}

/** One thing that happened: an event (when it has an object) and, always, an audit entry. */
export interface Change {
  /** The event type and audit action, e.g. `customer.updated`. */
  action: string;
  target: { type: string; id: string } | null;
  /** The resource as the API returns it: the event's `data.object`. Without it the change is audited only. */
  object?: Resource;
  /** For updates, the changed fields' earlier values: the event's `data.previous_attributes`. */
  previous?: Record<string, unknown>;
  /** Audit details when they are not the difference between `previous` and `object`. */
  changes?: Record<string, unknown>;
}

/** One entry of the audit log, as the API returns it and as `audit.entry.created` events carry it. */
export interface AuditLogDto {
  /** @example "aud_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'audit_log';
  tenant_id: string;
  /** Position in the tenant's hash chain, from 1. */
  seq: number;
  /** @example "2026-11-22T10:00:00.000Z" */
  occurred_at: string;
  actor: AuditActor;
  /** @example "customer.updated" */
  action: string;
  /**
   * The object the action was about.
   * @example { "type": "customer", "id": "cus_01JDA4Y7Q5X3M8N2P6R9T0V1W2" }
   */
  target: { type: string; id: string } | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  /** Field changes as `{ field: { from, to } }`, secrets redacted. */
  changes: Record<string, unknown> | null;
  /** SHA-256 of the previous entry's hash and this entry's canonical form. */
  hash: string;
  prev_hash: string;
}

export const OUTBOX_CHANNEL = 'plinth_outbox';
export const GENESIS_HASH = '0'.repeat(64);

/** What an audit entry's hash covers, in a fixed order. */
export function auditHash(prevHash: string, e: Omit<AuditLogDto, 'object' | 'hash' | 'prev_hash'>): string {
  const body = canonicalJson([
    e.id,
    e.tenant_id,
    e.seq,
    e.occurred_at,
    e.actor,
    e.action,
    e.target?.type ?? null,
    e.target?.id ?? null,
    e.ip,
    e.user_agent,
    e.request_id,
    e.changes,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

const IGNORED = new Set(['id', 'object', 'created_at', 'updated_at']);

function diff(change: Change): Record<string, unknown> | null {
  if (change.changes) return redact(change.changes) as Record<string, unknown>;
  const after = (change.object ?? {}) as Record<string, unknown>;
  if (change.previous) {
    return redact(Object.fromEntries(Object.keys(change.previous).map((k) => [k, { from: change.previous![k], to: after[k] ?? null }]))) as Record<
      string,
      unknown
    >;
  }
  if (!change.object) return null;
  const removed = change.action.endsWith('.deleted');
  const fields = Object.entries(after).filter(([k]) => !IGNORED.has(k));
  return redact(Object.fromEntries(fields.map(([k, v]) => [k, removed ? { from: v, to: null } : { from: null, to: v }]))) as Record<string, unknown>;
}

/** The pieces of a statement (with `?` placeholders) and their values, in order. */
export interface Statement {
  sql: string;
  values: unknown[];
}

const AUDIT_COLUMNS = 'id, tenant_id, occurred_at, actor, action, target_type, target_id, ip, user_agent, request_id, changes';
const EVENT_COLUMNS = 'id, tenant_id, type, created_at, data, request_id';

/**
 * The writes that go with a use case's changes, as common table expressions to run in the same
 * statement or transaction as the change itself (the transactional outbox): one event per change that
 * has an object, and one audit entry per change. Audit entries are written **pending** (no `seq` and
 * no hash): the audit module seals them into the tenant's hash chain after they commit, in order, so
 * that concurrent writes of one tenant never wait on each other for the chain's head.
 */
export function changeWrites(tenantId: string, origin: Origin, changes: Change[]): { ctes: string[]; values: unknown[] } {
  const occurredAt = new Date().toISOString();
  const values: unknown[] = [];
  const audit = changes.map((c) => {
    values.push(
      newId('auditLog'),
      tenantId,
      occurredAt,
      JSON.stringify(origin.actor),
      c.action,
      c.target?.type ?? null,
      c.target?.id ?? null,
      origin.ip ?? null,
      origin.userAgent?.slice(0, 512) ?? null,
      origin.requestId ?? null,
      jsonOrNull(diff(c)),
    );
    return '(?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?::jsonb)';
  });
  const ctes = [`plinth_audit as (insert into audit_logs (${AUDIT_COLUMNS}) values ${audit.join(', ')})`];
  const events = changes.filter((c) => c.object);
  if (events.length) {
    for (const c of events) {
      const data: Record<string, unknown> = { object: c.object };
      if (c.previous) data.previous_attributes = c.previous;
      values.push(newId('event'), tenantId, c.action, occurredAt, JSON.stringify(data), origin.requestId ?? null);
    }
    ctes.push(`plinth_events as (insert into events (${EVENT_COLUMNS}) values ${events.map(() => '(?, ?, ?, ?, ?::jsonb, ?)').join(', ')})`);
  }
  return { ctes, values };
}

const jsonOrNull = (value: unknown) => (value === null ? null : JSON.stringify(value));

/**
 * A statement that runs `main` (a statement of its own, with `?` placeholders) together with the
 * writes of `changes`: one round trip, atomic on its own. With `notify`, it also wakes the worker (the
 * NOTIFY is delivered when the statement's transaction commits).
 */
export function withChanges(main: Statement, tenantId: string, origin: Origin, changes: Change[], notify = true): Statement {
  const { ctes, values } = changeWrites(tenantId, origin, changes);
  return notify
    ? { sql: `with plinth_main as (${main.sql}), ${ctes.join(', ')} select pg_notify(?, '')`, values: [...main.values, ...values, OUTBOX_CHANNEL] }
    : { sql: `with plinth_main as (${main.sql}), ${ctes.join(', ')} select 1`, values: [...main.values, ...values] };
}

/** An event that is not a change of its own (an audit entry announced once it is sealed). */
export interface Announcement {
  type: string;
  object: Resource | Record<string, unknown>;
  requestId: string | null;
}

/** Writes announcements into the outbox inside the caller's transaction, and wakes the worker on commit. */
export async function announce(em: EntityManager, tenantId: string, items: Announcement[]): Promise<void> {
  if (!items.length) return;
  const now = new Date().toISOString();
  await em.execute(
    `with plinth_events as (insert into events (${EVENT_COLUMNS}) values ${items.map(() => '(?, ?, ?, ?, ?::jsonb, ?)').join(', ')}) select pg_notify(?, '')`,
    [...items.flatMap((e) => [newId('event'), tenantId, e.type, now, JSON.stringify({ object: e.object }), e.requestId]), OUTBOX_CHANNEL],
  );
}

/**
 * Writes the events and audit entries of a use case inside its transaction, so they commit or roll
 * back with the change itself, in one statement. The worker is woken by a NOTIFY that PostgreSQL
 * delivers only when the transaction commits.
 */
export async function record(em: EntityManager, tenantId: string, origin: Origin, changes: Change[]): Promise<void> {
  if (!changes.length) return;
  const { ctes, values } = changeWrites(tenantId, origin, changes);
  await em.execute(`with ${ctes.join(', ')} select pg_notify(?, '')`, [...values, OUTBOX_CHANNEL]);
}

/** `?` placeholders numbered for pg (`$1`, `$2`, ...): the statements here have no other `?`. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Hands work to the job runner in the caller's transaction; the worker relays it to pg-boss after commit. */
export async function enqueue(em: EntityManager, tenantId: string, queue: string, data: Record<string, unknown>, startAfter?: Date): Promise<void> {
  await em.execute(`insert into job_outbox (tenant_id, queue, data, start_after) values (?, ?, ?::jsonb, ?)`, [
    tenantId,
    queue,
    JSON.stringify(data),
    startAfter?.toISOString() ?? null,
  ]);
  await em.execute(`select pg_notify(?, '')`, [OUTBOX_CHANNEL]);
}

/** The fields of `before` that differ in `after` (ignoring `updated_at`), or null when nothing changed. */
export function previousAttributes<T extends object>(before: T, after: T): Partial<T> | null {
  const previous: Partial<T> = {};
  for (const key of Object.keys(before) as (keyof T)[]) {
    if (key === 'updated_at') continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return Object.keys(previous).length ? previous : null;
}

/** For public operations (sign-up, sign-in, token confirmations): the user is the actor. */
export function userOrigin(userId: string, client: { requestId?: string; ip?: string; userAgent?: string }): Origin {
  return { actor: { type: 'user', id: userId }, requestId: client.requestId, ip: client.ip, userAgent: client.userAgent };
}
