/**
 * Row-level security for a tenant-owned table, the one way every migration writes it (ADR 0001, 0002).
 *
 * - Enabled **and forced**, so the table's owner is subject to it too, not only `plinth_app`.
 * - `tenant_isolation`, for the application role: a row is visible and writable only in a transaction
 *   whose `app.tenant_id` is the row's tenant. `inTenant` (unit-of-work.ts) and `TenantReader` set it
 *   with `set_config('app.tenant_id', ?, true)`; without it (`inIdentity`, a bare fork) the setting is
 *   null or empty and no row matches.
 * - `owner_all`, for the role that runs the migrations (the owner, `DATABASE_URL`): the worker relays and
 *   retains across tenants with that connection, and the `SECURITY DEFINER` look-ups that run before
 *   a tenant is known (an API key by hash, a SCIM token, an SSO connection's tenant) execute as the
 *   owner. Forced RLS without it only works while the owner happens to be a superuser.
 *
 * Other roles get no policy, so they see nothing. A deployment that serves requests with its own role
 * (`DATABASE_APP_URL`) makes it a member of `plinth_app`, which also gives it the grants.
 */

/** The application role, as `APP_ROLE` in database.ts (not imported: database.ts imports the migrations). */
export const RLS_APP_ROLE = 'plinth_app';

/** The predicate of every tenant-owned table: the row belongs to the transaction's tenant. */
export const TENANT_PREDICATE = `tenant_id = current_setting('app.tenant_id', true)`;

/** The tenants table shows the transaction's tenant and its descendants (`path` lists a tenant's ancestors). */
export const TENANT_SUBTREE_PREDICATE = `id = current_setting('app.tenant_id', true) or current_setting('app.tenant_id', true) = any (path)`;

/** The policies `tenantRls` creates, by name. */
export const RLS_POLICIES = { app: 'tenant_isolation', owner: 'owner_all' } as const;

export interface TenantRlsOptions {
  /** The row predicate, when the table is not keyed by `tenant_id` (only `tenants`: TENANT_SUBTREE_PREDICATE). */
  predicate?: string;
  /** Drop the table's existing policies first, whatever their names: for tables an earlier migration secured. */
  replace?: boolean;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The SQL statements (one per entry, for `Migration.addSql`) that put a table under the standard row-level security. */
export function tenantRls(table: string, options: TenantRlsOptions = {}): string[] {
  if (!IDENTIFIER.test(table)) throw new Error(`tenantRls: '${table}' is not a plain lower-case table name`);
  const predicate = options.predicate ?? TENANT_PREDICATE;
  const replace = options.replace
    ? [
        `do $$ declare p record; begin
  for p in select policyname from pg_policies where schemaname = current_schema() and tablename = '${table}' loop
    execute format('drop policy %I on %I', p.policyname, '${table}');
  end loop;
end $$`,
      ]
    : [];
  return [
    `alter table ${table} enable row level security`,
    `alter table ${table} force row level security`,
    ...replace,
    `create policy ${RLS_POLICIES.app} on ${table} to ${RLS_APP_ROLE} using (${predicate}) with check (${predicate})`,
    `create policy ${RLS_POLICIES.owner} on ${table} to current_user using (true) with check (true)`,
  ];
}
