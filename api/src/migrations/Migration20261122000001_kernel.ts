import { Migration } from '@mikro-orm/migrations';

/**
 * The kernel schema. Tenant-owned tables have `tenant_id`, and row-level security is enabled and
 * forced on each: the application connects as `plinth_app` (owns nothing, NOBYPASSRLS) and sets
 * `app.tenant_id` per transaction. The few look-ups that must happen before a tenant is known
 * (API key by hash, a user's memberships, an invitation by token) are SECURITY DEFINER functions that
 * return exactly one narrow answer. Users, sessions and their tokens are owned by a user, not a tenant.
 */
export class Migration20261122000001_kernel extends Migration {
  override name = 'Migration20261122000001_kernel';

  override up(): void {
    this.addSql(`
do $$ begin
  if not exists (select from pg_roles where rolname = 'plinth_app') then
    create role plinth_app login nosuperuser nocreatedb nocreaterole nobypassrls;
  end if;
end $$;

create table tenants (
  id text primary key,
  name text not null,
  kind text not null check (kind in ('platform', 'reseller', 'standard')),
  parent_id text references tenants (id),
  path text[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'suspended')),
  metadata jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index tenants_one_platform on tenants ((true)) where kind = 'platform';
create index tenants_parent on tenants (parent_id, id);
create index tenants_path on tenants using gin (path);

create table users (
  id text primary key,
  email text not null,
  name text not null,
  password_hash text,
  email_verified_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index users_email on users (lower(email));

create table roles (
  id text primary key,
  tenant_id text not null references tenants (id),
  key text not null,
  name text not null,
  description text,
  permissions text[] not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, key)
);

create table memberships (
  id text primary key,
  tenant_id text not null references tenants (id),
  user_id text not null references users (id),
  role text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, user_id)
);
create index memberships_user on memberships (user_id);

create table invitations (
  id text primary key,
  tenant_id text not null references tenants (id),
  email text not null,
  role text not null,
  token_hash text not null unique,
  invited_by text,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'revoked')),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  created_at timestamptz not null
);
create index invitations_tenant on invitations (tenant_id, id);

create table api_keys (
  id text primary key,
  tenant_id text not null references tenants (id),
  name text not null,
  mode text not null check (mode in ('live', 'test')),
  last4 text not null,
  secret_hash text not null unique,
  previous_secret_hash text unique,
  previous_expires_at timestamptz,
  scopes text[] not null,
  rate_limit integer,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  is_root boolean not null default false,
  created_by text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index api_keys_tenant on api_keys (tenant_id, id);

create table customers (
  id text primary key,
  tenant_id text not null references tenants (id),
  name text,
  email text,
  phone text,
  company text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index customers_tenant on customers (tenant_id, id);
create index customers_tenant_email on customers (tenant_id, lower(email));

create table sessions (
  id text primary key,
  user_id text not null references users (id),
  tenant_id text not null references tenants (id),
  ip text,
  user_agent text,
  created_at timestamptz not null,
  last_used_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index sessions_user on sessions (user_id, id);

create table refresh_tokens (
  id text primary key,
  session_id text not null references sessions (id),
  token_hash text not null unique,
  used_at timestamptz,
  expires_at timestamptz not null,
  created_at timestamptz not null
);

create table email_tokens (
  id text primary key,
  user_id text not null references users (id),
  purpose text not null check (purpose in ('verify_email', 'password_reset')),
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null
);

create table idempotency_keys (
  tenant_id text not null references tenants (id),
  key text not null,
  request_hash text not null,
  status text not null check (status in ('running', 'done')),
  response_status integer,
  response_body jsonb,
  created_at timestamptz not null default now(),
  primary key (tenant_id, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);

-- Row-level security: enabled and forced on every tenant-owned table.
alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenant_subtree on tenants
  using (id = current_setting('app.tenant_id', true) or current_setting('app.tenant_id', true) = any (path))
  with check (id = current_setting('app.tenant_id', true) or current_setting('app.tenant_id', true) = any (path));
`);
    for (const table of ['roles', 'memberships', 'invitations', 'api_keys', 'customers', 'idempotency_keys']) {
      this.addSql(`
alter table ${table} enable row level security;
alter table ${table} force row level security;
create policy tenant_isolation on ${table}
  using (tenant_id = current_setting('app.tenant_id', true))
  with check (tenant_id = current_setting('app.tenant_id', true));`);
    }
    this.addSql(`
create function plinth_authenticate_api_key(p_hash text)
returns table (id text, tenant_id text, scopes text[], rate_limit integer, mode text, expires_at timestamptz,
               revoked_at timestamptz, previous boolean, previous_expires_at timestamptz)
language sql security definer set search_path = public as $$
  with hit as (
    update api_keys k set last_used_at = now()
     where (k.secret_hash = p_hash or k.previous_secret_hash = p_hash)
       and (k.last_used_at is null or k.last_used_at < now() - interval '60 seconds')
    returning k.id
  )
  select k.id, k.tenant_id, k.scopes, k.rate_limit, k.mode, k.expires_at, k.revoked_at,
         k.secret_hash <> p_hash, k.previous_expires_at
    from api_keys k
   where k.secret_hash = p_hash or k.previous_secret_hash = p_hash
$$;

create function plinth_user_memberships(p_user_id text)
returns table (id text, tenant_id text, role text, tenant_name text, tenant_kind text, tenant_status text, created_at timestamptz)
language sql stable security definer set search_path = public as $$
  select m.id, m.tenant_id, m.role, t.name, t.kind, t.status, m.created_at
    from memberships m join tenants t on t.id = m.tenant_id
   where m.user_id = p_user_id
   order by m.created_at
$$;

create function plinth_invitation_by_token(p_hash text)
returns table (id text, tenant_id text, email text, role text, status text, expires_at timestamptz)
language sql stable security definer set search_path = public as $$
  select i.id, i.tenant_id, i.email, i.role, i.status, i.expires_at from invitations i where i.token_hash = p_hash
$$;

create function plinth_platform_tenant()
returns text language sql stable security definer set search_path = public as $$
  select id from tenants where kind = 'platform'
$$;

revoke all on function plinth_authenticate_api_key(text), plinth_user_memberships(text),
  plinth_invitation_by_token(text), plinth_platform_tenant() from public;
grant usage on schema public to plinth_app;
grant select, insert, update, delete on tenants, users, roles, memberships, invitations, api_keys, customers,
  sessions, refresh_tokens, email_tokens, idempotency_keys to plinth_app;
grant execute on function plinth_authenticate_api_key(text), plinth_user_memberships(text),
  plinth_invitation_by_token(text), plinth_platform_tenant() to plinth_app;
`);
  }
}
