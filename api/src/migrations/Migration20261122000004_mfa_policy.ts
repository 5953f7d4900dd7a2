import { Migration } from '@mikro-orm/migrations';

/** Tenant policy: members must use two-factor authentication. */
export class Migration20261122000004_mfa_policy extends Migration {
  override name = 'Migration20261122000004_mfa_policy';

  override up(): void {
    this.addSql(`alter table tenants add column mfa_required boolean not null default false;`);
  }
}
