import type pg from 'pg';

// The dispatcher's statements, across tenants: on the pool, or on the client of its own transaction
// when pg-boss jobs must commit with the rows that need them.

/** The enabled endpoints of these tenants, with their event filters. */
export async function enabledEndpointsOf(client: pg.PoolClient, tenantIds: string[]): Promise<{ id: string; tenant_id: string; event_types: string[] }[]> {
  const { rows } = await client.query<{ id: string; tenant_id: string; event_types: string[] }>(
    `select id, tenant_id, event_types from webhook_endpoints where enabled and tenant_id = any($1::text[])`,
    [tenantIds],
  );
  return rows;
}

/** Creates pending deliveries (parallel arrays), skipping any endpoint-event pair that has one; returns those created. */
export async function insertPendingDeliveries(
  client: pg.PoolClient,
  d: { ids: string[]; tenantIds: string[]; endpointIds: string[]; eventIds: string[]; tokens: string[] },
): Promise<{ id: string; job_token: string }[]> {
  const { rows } = await client.query<{ id: string; job_token: string }>(
    `insert into webhook_deliveries (id, tenant_id, endpoint_id, event_id, status, job_token, next_attempt_at, created_at, updated_at)
       select id, tenant_id, endpoint_id, event_id, 'pending', job_token, now(), now(), now()
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) as u(id, tenant_id, endpoint_id, event_id, job_token)
       on conflict (endpoint_id, event_id) do nothing
       returning id, job_token`,
    [d.ids, d.tenantIds, d.endpointIds, d.eventIds, d.tokens],
  );
  return rows;
}

/** A delivery to a disabled endpoint fails without an attempt. */
export async function failDeliveryWithoutAttempt(pool: pg.Pool, deliveryId: string, reason: string): Promise<void> {
  await pool.query(
    `update webhook_deliveries set status = 'failed', job_token = null, next_attempt_at = null, last_error = $2, updated_at = now() where id = $1`,
    [deliveryId, reason],
  );
}

/** Records successful attempts (parallel arrays); a delivery whose job token changed meanwhile is left alone. */
export async function recordSucceededDeliveries(
  pool: pg.Pool,
  d: { ids: string[]; tokens: (string | null)[]; codes: (number | null)[]; durationsMs: number[]; excerpts: (string | null)[]; attempts: string[] },
): Promise<void> {
  await pool.query(
    `update webhook_deliveries d
          set status = 'succeeded', attempt_count = d.attempt_count + 1, next_attempt_at = null, job_token = null,
              last_status_code = u.code, last_duration_ms = u.ms, last_response = u.excerpt, last_error = null,
              attempts = d.attempts || u.attempt, updated_at = now()
         from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::jsonb[]) as u(id, token, code, ms, excerpt, attempt)
        where d.id = u.id and d.job_token = u.token`,
    [d.ids, d.tokens, d.codes, d.durationsMs, d.excerpts, d.attempts],
  );
}

/** These endpoints delivered: they are no longer failing. */
export async function clearFailingSince(pool: pg.Pool, endpointIds: string[]): Promise<void> {
  await pool.query(`update webhook_endpoints set failing_since = null where id = any($1::text[]) and failing_since is not null`, [endpointIds]);
}

/** Records a failed attempt and the next one's schedule (or the failure); false when the job token changed meanwhile. */
export async function recordFailedAttempt(
  client: pg.PoolClient,
  a: {
    deliveryId: string;
    jobToken: string | null;
    status: 'pending' | 'failed';
    nextAttemptAt: Date | null;
    nextToken: string | null;
    statusCode: number | null;
    durationMs: number;
    excerpt: string | null;
    error: string | null;
    attempt: string;
  },
): Promise<boolean> {
  const { rowCount } = await client.query(
    `update webhook_deliveries
            set status = $3, attempt_count = attempt_count + 1, next_attempt_at = $4, job_token = $5,
                last_status_code = $6, last_duration_ms = $7, last_response = $8, last_error = $9,
                attempts = attempts || $10::jsonb, updated_at = now()
          where id = $1 and job_token = $2`,
    [a.deliveryId, a.jobToken, a.status, a.nextAttemptAt, a.nextToken, a.statusCode, a.durationMs, a.excerpt, a.error, a.attempt],
  );
  return !!rowCount;
}

/** Marks the endpoint failing (keeping the first failure's time) and returns since when. */
export async function markEndpointFailing(client: pg.PoolClient, endpointId: string): Promise<Date | undefined> {
  const { rows } = await client.query<{ failing_since: Date }>(
    `update webhook_endpoints set failing_since = coalesce(failing_since, now()) where id = $1 returning failing_since`,
    [endpointId],
  );
  return rows[0]?.failing_since;
}
