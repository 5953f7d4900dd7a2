import type pg from 'pg';

/** Retention: events older than EVENT_RETENTION_DAYS, in every tenant (the worker's owner pool). */
export async function deleteExpiredEvents(pool: pg.Pool, days: number): Promise<number> {
  const { rowCount } = await pool.query(`delete from events where created_at < now() - make_interval(days => $1)`, [days]);
  return rowCount ?? 0;
}
