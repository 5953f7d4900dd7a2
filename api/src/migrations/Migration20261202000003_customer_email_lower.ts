import { Migration } from '@mikro-orm/migrations';

/**
 * The `email=` filter at a million customers. Under row-level security PostgreSQL may only use a
 * condition as an index condition ahead of the policy when every function applied to a column in it
 * is leakproof, and `lower()` is not: `lower(email) = lower($1)` could not use the
 * `(tenant_id, lower(email))` expression index for the application role (the owner, which `EXPLAIN`
 * in psql runs as, could), so the list walked the whole tenant by id and filtered (about 0.2 s a query
 * at 1M rows). A stored column holding `lower(email)` compares with the leakproof text `=`.
 */
export class Migration20261202000003_customer_email_lower extends Migration {
  override name = 'Migration20261202000003_customer_email_lower';

  override up(): void {
    this.addSql(`
alter table customers add column email_lower text generated always as (lower(email)) stored;
create index customers_tenant_email_lower on customers (tenant_id, email_lower);
drop index customers_tenant_email;
`);
  }
}
