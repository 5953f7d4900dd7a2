import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Every setting Plinth reads, with its default. The README's configuration table mirrors this file. */
export interface Config {
  port: number;
  /** Owner connection (runs migrations). Unset: an embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Where the embedded database and the generated secret live. */
  dataDir: string;
  /** Platform operator key; when unset on first start one is generated and printed once. */
  rootKey?: string;
  /** Pepper for keyed hashes (API keys, tokens) and the signing key for access tokens. */
  secret: string;
  rateLimitStore: 'memory' | 'redis' | 'postgres';
  /** Default per-key and per-tenant request budgets, per minute. */
  apiKeyRateLimit: number;
  tenantRateLimit: number;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Deadlines for receiving a request's headers and the whole request, so trickling clients are closed. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** How long a shutdown waits for in-flight requests before closing their connections. */
  drainTimeoutMs: number;
  logLevel: string;
  smtpUrl?: string;
  /** Keep mail in `<dataDir>/outbox`, served at /dev/outbox, when SMTP_URL is unset (never when NODE_ENV=production). */
  mailOutbox: boolean;
  mailFrom: string;
  publicUrl?: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Which parts this process runs: the HTTP API, the worker (relay, deliveries, scheduled jobs), or both. */
  processRole: 'all' | 'api' | 'worker';
  /** Events older than this are deleted (and can no longer be listed or replayed). */
  eventRetentionDays: number;
  webhooks: {
    /** Delay before each attempt, in seconds; the first is normally 0. */
    retrySchedule: number[];
    timeoutMs: number;
    /** An endpoint failing without a success for this long is disabled. */
    disableAfterSeconds: number;
    /** Deliveries in flight to one endpoint, per worker process. */
    endpointConcurrency: number;
    /** Development and tests only: allow endpoints on loopback and private networks. */
    allowPrivateNetworks: boolean;
    /** How long a rotated-out secret keeps signing. */
    previousSecretTtlSeconds: number;
  };
  /** Browser origins allowed to call the API (CORS); `*` for any. None by default. */
  corsAllowedOrigins: string[];
  sso: {
    /** Development and tests only: allow OIDC issuers over http and on loopback or private networks. */
    allowPrivateNetworks: boolean;
  };
  /** With a key, webhooks are sent through Svix instead of the built-in dispatcher. */
  svix?: { apiKey: string; serverUrl?: string };
}

function seconds(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (!values.length || values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new Error(`${name} must be a comma-separated list of non-negative seconds, got "${raw}"`);
  }
  return values;
}

function byteSize(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim());
  if (!m || Number(m[1]) <= 0) throw new Error(`${name} must be a size such as 100kb or 1mb, got "${raw}"`);
  return Number(m[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Reads the secret from PLINTH_SECRET, or from `<dataDir>/secret`, creating it (0600) on first use. */
function loadSecret(dataDir: string): string {
  if (process.env.PLINTH_SECRET) {
    if (process.env.PLINTH_SECRET.length < 32) throw new Error('PLINTH_SECRET must be at least 32 characters');
    return process.env.PLINTH_SECRET;
  }
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** URLs built from it (SSO entity ids, ACS and redirect URLs) are bounded in the contract: keep it short. */
function publicUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`PUBLIC_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  if (!/^https?:$/.test(url.protocol) || raw.length > 1000)
    throw new Error(`PUBLIC_URL must be an http(s) URL of at most 1000 characters, got "${raw.slice(0, 80)}"`);
  return raw;
}

function role(raw: string | undefined): Config['processRole'] {
  if (raw === undefined || raw === '') return 'all';
  if (raw !== 'all' && raw !== 'api' && raw !== 'worker') throw new Error(`PLINTH_PROCESS must be all, api or worker, got "${raw}"`);
  return raw;
}

export function loadConfig(overrides: Partial<Config> = {}): Config {
  // npm runs workspace scripts inside api/; INIT_CWD is where the person typed `npm start`.
  const dataDir = resolve(overrides.dataDir ?? process.env.PLINTH_DATA_DIR ?? join(process.env.INIT_CWD ?? process.cwd(), '.plinth'));
  const store = (process.env.RATE_LIMIT_STORE ?? (process.env.REDIS_URL ? 'redis' : 'memory')) as Config['rateLimitStore'];
  if (!['memory', 'redis', 'postgres'].includes(store)) throw new Error(`RATE_LIMIT_STORE must be memory, redis or postgres`);
  return {
    port: int('PORT', 3000),
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    dataDir,
    rootKey: process.env.PLINTH_ROOT_KEY || undefined,
    secret: overrides.secret ?? loadSecret(dataDir),
    rateLimitStore: store,
    apiKeyRateLimit: int('API_KEY_RATE_LIMIT', 1000),
    tenantRateLimit: int('TENANT_RATE_LIMIT', 5000),
    bodyLimit: byteSize('BODY_LIMIT', 100 * 1024),
    headersTimeoutMs: int('HEADERS_TIMEOUT_MS', 10_000),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 12_000),
    drainTimeoutMs: int('SHUTDOWN_DRAIN_MS', 10_000),
    logLevel: process.env.LOG_LEVEL ?? 'info',
    smtpUrl: process.env.SMTP_URL || undefined,
    mailOutbox: process.env.NODE_ENV !== 'production',
    mailFrom: process.env.MAIL_FROM ?? 'Plinth <no-reply@plinth.local>',
    publicUrl: publicUrl(process.env.PUBLIC_URL),
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 900),
    refreshTokenTtlSeconds: int('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600),
    processRole: role(process.env.PLINTH_PROCESS),
    eventRetentionDays: int('EVENT_RETENTION_DAYS', 30),
    webhooks: {
      retrySchedule: seconds('WEBHOOK_RETRY_SCHEDULE', [0, 5, 300, 1800, 7200, 18000, 36000, 36000]),
      timeoutMs: int('WEBHOOK_TIMEOUT_MS', 15_000),
      disableAfterSeconds: int('WEBHOOK_DISABLE_AFTER_SECONDS', 5 * 24 * 3600),
      endpointConcurrency: int('WEBHOOK_ENDPOINT_CONCURRENCY', 10),
      allowPrivateNetworks: process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true',
      previousSecretTtlSeconds: int('WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS', 24 * 3600),
    },
    corsAllowedOrigins: (process.env.CORS_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    sso: { allowPrivateNetworks: process.env.SSO_ALLOW_PRIVATE_NETWORKS === 'true' },
    svix: process.env.SVIX_API_KEY ? { apiKey: process.env.SVIX_API_KEY, serverUrl: process.env.SVIX_SERVER_URL || undefined } : undefined,
    ...overrides,
  };
}
