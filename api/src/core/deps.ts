import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Mailer } from './mailer.js';
import type { MailOutbox } from './outbox.js';
import type { RateLimits } from './http/rate-limit.js';
import type { CredentialCache } from './auth/credential-cache.js';
import type { TenantReader } from './db/reader.js';
import type { TenantWriter } from './db/writer.js';
import type { Registry } from './module.js';

/** What the modules are built from. `createApp(deps)` takes these; tests build their own. */
export interface Deps {
  /** The modules and what they declare (permissions, events, tables). */
  registry: Registry;
  config: Config;
  orm: MikroORM;
  log: Logger;
  limits: RateLimits;
  mailer: Mailer;
  /** Development only (SMTP_URL unset, NODE_ENV not production): the mail the mailer kept, served at /dev/outbox. */
  outbox?: MailOutbox;
  /** Verified API keys (see credential-cache.ts); services that revoke or suspend clear it. */
  credentials: CredentialCache;
  /** Plain-row reads for the hottest list and retrieve operations (see reader.ts). */
  reader: TenantReader;
  /** One-statement writes (a row, its events and audit entries) for the hottest creates (see writer.ts). */
  writer: TenantWriter;
}
