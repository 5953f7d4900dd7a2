import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { EventRow } from '../../core/events/envelope.js';

/** Retention: events older than EVENT_RETENTION_DAYS, in every tenant (the worker's owner pool). */
export async function deleteExpiredEvents(pool: pg.Pool, days: number): Promise<number> {
  const { rowCount } = await pool.query(`delete from events where created_at < now() - make_interval(days => $1)`, [days]);
  return rowCount ?? 0;
}

/** A page of the tenant's events matching `where` (`?` conditions), newest first. */
export function eventsNewestFirst(em: EntityManager, where: string[], params: unknown[], limit: number): Promise<EventRow[]> {
  return em.execute<EventRow[]>(
    `select id, tenant_id, type, created_at, data, request_id from events ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit ?`,
    [...params, limit],
  );
}

export async function eventById(em: EntityManager, id: string): Promise<EventRow | undefined> {
  const [row] = await em.execute<EventRow[]>(`select id, tenant_id, type, created_at, data, request_id from events where id = ?`, [id]);
  return row;
}
