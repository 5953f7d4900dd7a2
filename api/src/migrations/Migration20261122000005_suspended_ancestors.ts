import { Migration } from '@mikro-orm/migrations';

/**
 * Suspending a tenant suspends everything below it: a credential is refused when its tenant, the
 * tenant it acts in, or any ancestor of either is suspended. Ancestors are outside the credential's
 * row-level-security view, hence a narrow SECURITY DEFINER function answering one boolean.
 */
export class Migration20261122000005_suspended_ancestors extends Migration {
  override name = 'Migration20261122000005_suspended_ancestors';

  override up(): void {
    this.addSql(`
create function plinth_tenant_blocked(p_ids text[])
returns boolean language sql stable security definer set search_path = public as $$
  select exists (
    select 1
      from tenants t
      join tenants s on s.id = t.id or s.id = any (t.path)
     where t.id = any (p_ids) and s.status = 'suspended'
  )
$$;
revoke all on function plinth_tenant_blocked(text[]) from public;
grant execute on function plinth_tenant_blocked(text[]) to plinth_app;
`);
  }
}
