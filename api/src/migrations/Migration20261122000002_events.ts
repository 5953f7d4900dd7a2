import { Migration } from '@mikro-orm/migrations';

/**
 * Events (the transactional outbox), webhook endpoints and deliveries, the job outbox, and the
 * hash-chained audit log. Every table is tenant-owned with row-level security forced, as in the
 * kernel. The worker reads across tenants as the owner role: each table carries a policy for the
 * role that ran this migration, so a deployment whose owner is not a superuser still works.
 */
export class Migration20261122000002_events extends Migration {
  override name = 'Migration20261122000002_events';

  override up(): void {
    this.addSql(`
create table events (
  id text primary key,
  tenant_id text not null references tenants (id),
  type text not null,
  created_at timestamptz not null,
  data jsonb not null,
  request_id text,
  relayed_at timestamptz
);
create index events_tenant_id on events (tenant_id, id desc);
create index events_tenant_type on events (tenant_id, type, id desc);
create index events_created_at on events (created_at);
create index events_unrelayed on events (id) where relayed_at is null;

create table webhook_endpoints (
  id text primary key,
  tenant_id text not null references tenants (id),
  url text not null,
  description text,
  enabled boolean not null default true,
  event_types text[] not null,
  metadata jsonb not null default '{}',
  secret_enc text not null,
  previous_secret_enc text,
  previous_secret_expires_at timestamptz,
  disabled_reason text,
  failing_since timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index webhook_endpoints_tenant on webhook_endpoints (tenant_id, id desc);

create table webhook_deliveries (
  id text primary key,
  tenant_id text not null references tenants (id),
  endpoint_id text not null references webhook_endpoints (id) on delete cascade,
  event_id text not null references events (id) on delete cascade,
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  attempt_count integer not null default 0,
  next_attempt_at timestamptz,
  job_token text,
  last_status_code integer,
  last_duration_ms integer,
  last_response text,
  last_error text,
  attempts jsonb not null default '[]',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (endpoint_id, event_id)
);
create index webhook_deliveries_endpoint on webhook_deliveries (tenant_id, endpoint_id, id desc);
create index webhook_deliveries_event on webhook_deliveries (event_id);

-- Work the API hands to the job runner, written in the request's transaction and relayed by the worker.
create table job_outbox (
  id bigserial primary key,
  tenant_id text not null references tenants (id),
  queue text not null,
  data jsonb not null,
  start_after timestamptz,
  created_at timestamptz not null default now()
);

create table audit_logs (
  id text primary key,
  tenant_id text not null references tenants (id),
  seq bigint not null,
  occurred_at timestamptz not null,
  actor jsonb not null,
  action text not null,
  target_type text,
  target_id text,
  ip text,
  user_agent text,
  request_id text,
  changes jsonb,
  prev_hash text not null,
  hash text not null,
  unique (tenant_id, seq)
);
create index audit_logs_tenant on audit_logs (tenant_id, id desc);
create index audit_logs_tenant_action on audit_logs (tenant_id, action, id desc);
create index audit_logs_tenant_target on audit_logs (tenant_id, target_id, id desc);
create index audit_logs_occurred on audit_logs (occurred_at);

create table audit_chain_heads (
  tenant_id text primary key references tenants (id),
  seq bigint not null,
  hash text not null
);

create table audit_exports (
  id text primary key,
  tenant_id text not null references tenants (id),
  status text not null check (status in ('pending', 'running', 'succeeded', 'failed')),
  format text not null check (format in ('csv', 'ndjson')),
  filter jsonb not null,
  total_rows integer,
  exported_rows integer not null default 0,
  content text,
  error text,
  created_at timestamptz not null,
  completed_at timestamptz,
  expires_at timestamptz
);
create index audit_exports_tenant on audit_exports (tenant_id, id desc);

alter table tenants add column audit_retention_days integer not null default 365
  check (audit_retention_days between 1 and 3650);
`);
    const tables = ['events', 'webhook_endpoints', 'webhook_deliveries', 'job_outbox', 'audit_logs', 'audit_chain_heads', 'audit_exports'];
    for (const table of tables) {
      this.addSql(`
alter table ${table} enable row level security;
alter table ${table} force row level security;
create policy tenant_isolation on ${table} to plinth_app
  using (tenant_id = current_setting('app.tenant_id', true))
  with check (tenant_id = current_setting('app.tenant_id', true));
create policy worker_all on ${table} to current_user using (true) with check (true);`);
    }
    this.addSql(`
grant select, insert, update, delete on ${tables.join(', ')} to plinth_app;
grant usage on sequence job_outbox_id_seq to plinth_app;
-- Audit rows are append-only for the application: no update, no delete.
revoke update, delete on audit_logs from plinth_app;
`);
  }
}
