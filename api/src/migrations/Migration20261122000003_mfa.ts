import { Migration } from '@mikro-orm/migrations';

/** TOTP second factor: the (sealed) secret on the user, hashed single-use recovery codes, login challenges. */
export class Migration20261122000003_mfa extends Migration {
  override name = 'Migration20261122000003_mfa';

  override up(): void {
    this.addSql(`
alter table users
  add column totp_secret_enc text,
  add column totp_pending_secret_enc text,
  add column totp_enabled_at timestamptz,
  add column totp_last_counter integer;

create table mfa_recovery_codes (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  code_hash text not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index mfa_recovery_codes_user on mfa_recovery_codes (user_id);

create table mfa_challenges (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  tenant_id text not null references tenants (id),
  token_hash text not null unique,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);

grant select, insert, update, delete on mfa_recovery_codes, mfa_challenges to plinth_app;
`);
  }
}
