import { Migration } from '@mikro-orm/migrations';
import { TENANT_SUBTREE_PREDICATE, tenantRls } from '../core/db/rls.js';

/**
 * One row-level security idiom for every tenant-owned table (core/db/rls.ts). The earlier migrations
 * wrote three: the kernel and SSO tables had `tenant_isolation` for every role and nothing for the
 * owner, the events tables had it for `plinth_app` plus `worker_all` for the owner, and `tenants` had
 * `tenant_subtree` for every role. With forced RLS, the first and the third hide every row from a
 * non-superuser owner, and so from the worker and the SECURITY DEFINER look-ups (API keys, SCIM tokens,
 * SSO connections, the platform tenant, suspended ancestors). For `plinth_app` nothing changes.
 *
 * `sso_requests`, `sso_codes`, `mfa_challenges` and `sessions` stay without RLS: they are read before a
 * tenant is known (see the allow-list in test/invariants/rls.test.ts).
 */
export class Migration20261202000001_rls extends Migration {
  override name = 'Migration20261202000001_rls';

  override up(): void {
    const tables = [
      // kernel
      'roles',
      'memberships',
      'invitations',
      'api_keys',
      'customers',
      'idempotency_keys',
      // events, webhooks, audit
      'events',
      'webhook_endpoints',
      'webhook_deliveries',
      'job_outbox',
      'audit_logs',
      'audit_chain_heads',
      'audit_exports',
      // SSO administration and SCIM
      'sso_connections',
      'sso_domains',
      'sso_identities',
      'scim_tokens',
      'scim_groups',
      'scim_group_members',
    ];
    for (const table of tables) for (const sql of tenantRls(table, { replace: true })) this.addSql(sql);
    for (const sql of tenantRls('tenants', { replace: true, predicate: TENANT_SUBTREE_PREDICATE })) this.addSql(sql);
  }
}
