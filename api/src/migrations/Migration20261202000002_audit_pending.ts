import { Migration } from '@mikro-orm/migrations';

/**
 * Audit entries are written **pending** in the change's own transaction (no `seq`, no hashes) and
 * sealed into the tenant's hash chain after they commit (audit.sealer.ts), so that concurrent writes
 * of one tenant no longer queue behind the chain head's row lock until each commits.
 *
 * - `seq`, `prev_hash` and `hash` may be null while an entry is pending;
 * - a partial index finds the pending entries of a tenant in id order;
 * - the application role may set exactly those three columns (to seal), and a trigger refuses any
 *   change to an entry once sealed, for every role that has not disabled it (content columns stay
 *   without an UPDATE grant, and DELETE stays revoked).
 */
export class Migration20261202000002_audit_pending extends Migration {
  override name = 'Migration20261202000002_audit_pending';

  override up(): void {
    this.addSql(`
alter table audit_logs
  alter column seq drop not null,
  alter column prev_hash drop not null,
  alter column hash drop not null,
  add constraint audit_logs_sealed_whole check ((seq is null) = (hash is null) and (seq is null) = (prev_hash is null));
create index audit_logs_pending on audit_logs (tenant_id, id) where seq is null;
grant update (seq, prev_hash, hash) on audit_logs to plinth_app;

create function plinth_audit_sealed_is_final() returns trigger language plpgsql as $$
begin
  raise exception 'audit log entry % is sealed into its chain and cannot change', old.id using errcode = '42501';
end $$;
create trigger audit_logs_sealed_is_final before update on audit_logs
  for each row when (old.seq is not null) execute function plinth_audit_sealed_is_final();
`);
  }
}
