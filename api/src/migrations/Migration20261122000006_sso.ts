import { Migration } from '@mikro-orm/migrations';

/**
 * Enterprise identity: SSO connections (SAML, OIDC) with their claimed email domains and linked IdP
 * identities, the short-lived state of the sign-in flow (requests, single-use codes, seen SAML
 * assertion ids), tenant policy (`sso_required`, the redirect allow-list), and SCIM provisioning
 * (tokens, groups, deactivated memberships).
 *
 * The flow tables are read before any tenant is known (an IdP posting to the ACS, a code exchange),
 * like `mfa_challenges`: they carry a tenant id but no row-level security, and only hold opaque,
 * expiring state. Everything a tenant administers has RLS.
 */
export class Migration20261122000006_sso extends Migration {
  override name = 'Migration20261122000006_sso';

  override up(): void {
    this.addSql(`
alter table tenants
  add column sso_required boolean not null default false,
  add column sso_redirect_uris text[] not null default '{}';

alter table sessions
  add column auth_method text not null default 'password' check (auth_method in ('password', 'sso')),
  add column sso_connection_id text;

alter table memberships
  add column status text not null default 'active' check (status in ('active', 'deactivated')),
  add column scim_external_id text;

create table sso_connections (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  type text not null check (type in ('saml', 'oidc')),
  name text not null,
  status text not null default 'active' check (status in ('active', 'inactive')),
  domains text[] not null default '{}',
  saml jsonb,
  oidc jsonb,
  attribute_mapping jsonb not null,
  default_role text not null,
  group_roles jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index sso_connections_tenant on sso_connections (tenant_id, id);

-- A domain routes sign-ins to one connection platform-wide: first claim wins.
create table sso_domains (
  domain text primary key,
  connection_id text not null references sso_connections (id) on delete cascade,
  tenant_id text not null references tenants (id) on delete cascade
);

-- The IdP's stable subject (NameID, sub) for a connection, linked to a Plinth user.
create table sso_identities (
  connection_id text not null references sso_connections (id) on delete cascade,
  subject text not null,
  tenant_id text not null references tenants (id) on delete cascade,
  user_id text not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_login_at timestamptz not null default now(),
  primary key (connection_id, subject)
);

create table scim_tokens (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  name text not null,
  prefix text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table scim_groups (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  display_name text not null,
  external_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, display_name)
);

create table scim_group_members (
  group_id text not null references scim_groups (id) on delete cascade,
  membership_id text not null references memberships (id) on delete cascade,
  tenant_id text not null references tenants (id) on delete cascade,
  primary key (group_id, membership_id)
);
`);
    for (const table of ['sso_connections', 'sso_domains', 'sso_identities', 'scim_tokens', 'scim_groups', 'scim_group_members']) {
      this.addSql(`
alter table ${table} enable row level security;
alter table ${table} force row level security;
create policy tenant_isolation on ${table}
  using (tenant_id = current_setting('app.tenant_id', true))
  with check (tenant_id = current_setting('app.tenant_id', true));`);
    }
    this.addSql(`
-- Sign-in state: one row per authorize request (its id is the SAML request id or the OIDC state).
create table sso_requests (
  id text primary key,
  connection_id text not null references sso_connections (id) on delete cascade,
  tenant_id text not null references tenants (id) on delete cascade,
  redirect_uri text not null,
  state text,
  code_challenge text,
  nonce text,
  code_verifier_enc text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  consumed_at timestamptz
);
create index sso_requests_expires on sso_requests (expires_at);

create table sso_codes (
  code_hash text primary key,
  user_id text not null references users (id) on delete cascade,
  tenant_id text not null references tenants (id) on delete cascade,
  connection_id text not null references sso_connections (id) on delete cascade,
  redirect_uri text not null,
  code_challenge text,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);

-- Every accepted assertion id until it expires: a captured SAML response is never accepted twice.
create table saml_assertion_ids (
  connection_id text not null references sso_connections (id) on delete cascade,
  assertion_id text not null,
  expires_at timestamptz not null,
  primary key (connection_id, assertion_id)
);

-- Narrow look-ups before the tenant is known.
create function plinth_sso_connection_tenant(p_id text)
returns text language sql stable security definer set search_path = public as $$
  select tenant_id from sso_connections where id = p_id
$$;
create function plinth_sso_connection_for_domain(p_domain text)
returns table (connection_id text, tenant_id text) language sql stable security definer set search_path = public as $$
  select connection_id, tenant_id from sso_domains where domain = lower(p_domain)
$$;
create function plinth_scim_token(p_hash text)
returns table (id text, tenant_id text, revoked_at timestamptz) language sql security definer set search_path = public as $$
  update scim_tokens set last_used_at = now()
   where token_hash = p_hash and (last_used_at is null or last_used_at < now() - interval '60 seconds');
  select id, tenant_id, revoked_at from scim_tokens where token_hash = p_hash
$$;

-- Deactivated (SCIM) memberships no longer open a tenant; the policy columns travel with the rest.
drop function plinth_user_memberships(text);
create function plinth_user_memberships(p_user_id text)
returns table (id text, tenant_id text, role text, tenant_name text, tenant_kind text, tenant_status text, created_at timestamptz,
               tenant_sso_required boolean)
language sql stable security definer set search_path = public as $$
  select m.id, m.tenant_id, m.role, t.name, t.kind, t.status, m.created_at, t.sso_required
    from memberships m join tenants t on t.id = m.tenant_id
   where m.user_id = p_user_id and m.status = 'active'
   order by m.created_at
$$;

revoke all on function plinth_sso_connection_tenant(text), plinth_sso_connection_for_domain(text), plinth_scim_token(text),
  plinth_user_memberships(text) from public;
grant execute on function plinth_sso_connection_tenant(text), plinth_sso_connection_for_domain(text), plinth_scim_token(text),
  plinth_user_memberships(text) to plinth_app;
grant select, insert, update, delete on sso_connections, sso_domains, sso_identities, scim_tokens, scim_groups, scim_group_members,
  sso_requests, sso_codes, saml_assertion_ids to plinth_app;
`);
  }
}
