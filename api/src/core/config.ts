import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** The configuration as the code reads it: built by `loadConfig` from SETTINGS (below), where each setting is explained. */
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
  /** Express's `trust proxy`: which proxies' X-Forwarded-For give the client address. */
  trustProxy: string;
  /** The connection requests are served with; unset: derived from the owner connection. */
  databaseAppUrl?: string;
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

/** What the README's configuration table says about a setting (npm run generate writes the table). */
export interface SettingDoc {
  /** The default as the README shows it, when it is not a plain value (unset, derived, generated). */
  shown?: string;
  /** The default, as text read like a value from the environment. */
  fallback?: string;
  /** After the default in the README, e.g. "(5 days)". */
  note?: string;
  description: string;
  /** Never repeated in an error message. */
  secret?: boolean;
}

/** Each setting's README entry, by its schema. */
export const settingDocs = z.registry<SettingDoc>();

/** How a variable's text becomes its value; a failure's message says what is accepted. */
type Parser<T> = z.ZodType<T, string>;

function optional<T>(parser: Parser<T>, doc: SettingDoc & { shown: string }) {
  return parser.optional().register(settingDocs, doc);
}

function withDefault<T>(parser: Parser<T>, fallback: string, doc: Omit<SettingDoc, 'fallback'>) {
  return parser.prefault(fallback).register(settingDocs, { ...doc, fallback });
}

const text = z.string();

const positiveInteger = z
  .string()
  .transform(Number)
  .refine((v) => Number.isInteger(v) && v > 0, { error: 'must be a positive integer' });

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

const SIZE_UNITS = { b: 1, kb: 1024, mb: 1024 * 1024 } as const;
const byteSize = z.string().transform((raw, ctx) => {
  const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim());
  if (!m || Number(m[1]) <= 0) {
    ctx.issues.push({ code: 'custom', message: 'must be a size such as 100kb or 1mb', input: raw });
    return z.NEVER;
  }
  return Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase() as keyof typeof SIZE_UNITS];
});

// An empty item counts as 0, as it always has.
const secondsList = z
  .string()
  .transform((raw) => raw.split(',').map((v) => Number(v.trim())))
  .refine((values) => values.every((v) => Number.isFinite(v) && v >= 0), { error: 'must be a comma-separated list of non-negative seconds' });

/** URLs built from it (SSO entity ids, ACS and redirect URLs) are bounded in the contract: keep it short. */
const httpUrl = z.string().refine((raw) => raw.length <= 1000 && /^https?:$/.test(URL.parse(raw)?.protocol ?? ''), {
  error: 'must be an absolute http(s) URL of at most 1000 characters',
});

const origins = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .refine((list) => list.every((o) => o === '*' || (/^https?:$/.test(URL.parse(o)?.protocol ?? '') && URL.parse(o)!.origin === o)), {
    error: 'must be comma-separated origins such as https://app.example.com (scheme, host and port only), or *',
  });

/** What Express's `trust proxy` accepts as text: its presets, and addresses or ranges. */
const PROXY_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);
const proxies = z.string().refine(
  (raw) =>
    raw.split(',').every((part) => {
      const [address, range, extra] = part.trim().split('/');
      if (PROXY_PRESETS.has(part.trim())) return true;
      if (extra !== undefined || !address || !ipaddr.isValid(address)) return false;
      return range === undefined || ipaddr.isValid(range) || (/^\d+$/.test(range) && Number(range) <= (ipaddr.parse(address).kind() === 'ipv4' ? 32 : 128));
    }),
  { error: 'must be loopback, linklocal, uniquelocal or comma-separated IP addresses and CIDR ranges' },
);

/**
 * Every setting Plinth reads, each declared once: its environment variable, how its text is read and
 * checked, its default and what it does. `loadConfig` reads the environment with it; `npm run
 * generate` writes the README's configuration table from it (scripts/config-table.mjs). The order is
 * the table's. An empty variable counts as unset.
 */
export const SETTINGS = z.object({
  PORT: withDefault(positiveInteger, '3000', { description: 'HTTP port.' }),
  DATABASE_URL: optional(text, {
    shown: 'unset: embedded PostgreSQL in `PLINTH_DATA_DIR/postgres`',
    description:
      'Owner connection to PostgreSQL; migrations run as this user on start. The owner must be able to create the `plinth_app` role (or set `DATABASE_APP_URL`).',
    secret: true,
  }),
  DATABASE_APP_URL: optional(text, {
    shown: 'derived: role `plinth_app` on the same server',
    description: 'The connection the API serves requests with. It must be a role that owns no table and cannot bypass row-level security.',
    secret: true,
  }),
  PLINTH_DATA_DIR: optional(text, { shown: '`.plinth` (where you ran npm)', description: 'Embedded database and the generated secret. Git-ignored.' }),
  PLINTH_ROOT_KEY: optional(text, {
    shown: 'unset: generated and printed on the first start',
    description: "The platform operator's secret key. Changing it replaces the old root key.",
    secret: true,
  }),
  PLINTH_SECRET: optional(text.min(32, { error: 'must be at least 32 characters' }), {
    shown: 'generated into `PLINTH_DATA_DIR/secret`',
    description:
      'Pepper for hashed API keys and tokens, and the access-token signing key (>= 32 characters). Set the same value on every process of a deployment.',
    secret: true,
  }),
  REDIS_URL: optional(text, {
    shown: 'unset',
    description: 'Redis for rate limits shared by several processes (selects `RATE_LIMIT_STORE=redis`).',
    secret: true,
  }),
  RATE_LIMIT_STORE: optional(z.enum(['memory', 'redis', 'postgres'], { error: 'must be memory, redis or postgres' }), {
    shown: '`memory` (`redis` when `REDIS_URL` is set)',
    description: '`memory`, `redis` or `postgres`. Memory is exact for one process and writes nothing to the database.',
  }),
  API_KEY_RATE_LIMIT: withDefault(positiveInteger, '1000', {
    description: 'Requests per minute per API key or session (a key can have its own `rate_limit`).',
  }),
  TENANT_RATE_LIMIT: withDefault(positiveInteger, '5000', { description: 'Requests per minute per tenant, across all its credentials.' }),
  ACCESS_TOKEN_TTL_SECONDS: withDefault(positiveInteger, '900', { description: 'Lifetime of session access tokens.' }),
  REFRESH_TOKEN_TTL_SECONDS: withDefault(positiveInteger, '2592000', { description: 'Lifetime of a session (its refresh tokens).' }),
  BODY_LIMIT: withDefault(byteSize, '100kb', {
    description:
      'Largest accepted JSON body (`b`, `kb` or `mb`). A larger declared `Content-Length` is refused before a byte is read, a chunked body is cut as it passes the limit: a 413, and the connection is closed.',
  }),
  HEADERS_TIMEOUT_MS: withDefault(positiveInteger, '10000', {
    description: 'Time allowed to send the request line and headers; a trickling (slowloris) client is closed after it.',
  }),
  REQUEST_TIMEOUT_MS: withDefault(positiveInteger, '12000', { description: 'Time allowed to send the whole request, body included.' }),
  SHUTDOWN_DRAIN_MS: withDefault(positiveInteger, '10000', {
    description: 'On SIGTERM or SIGINT, how long in-flight requests may take to finish before their connections are closed.',
  }),
  SMTP_URL: optional(text, {
    shown: 'unset: the development outbox',
    description:
      'Where verification, reset and invitation emails go (`smtp://user:pass@host:587`). Unset, mail is kept in the development outbox (`GET /dev/outbox`), or with `NODE_ENV=production` logged as one redacted line.',
    secret: true,
  }),
  MAIL_FROM: withDefault(text, 'Plinth <no-reply@plinth.local>', { description: 'Sender address.' }),
  NODE_ENV: optional(text, {
    shown: 'unset',
    description: '`production` turns the development outbox off (`PLINTH_DATA_DIR/outbox`, answered at `/dev/outbox` to this machine only).',
  }),
  PUBLIC_URL: optional(httpUrl, {
    shown: '`http://localhost:$PORT`',
    description: 'The base URL printed on start; SSO builds its SAML entity id, ACS URL, OIDC redirect URI and SCIM URL from it, so set it in production.',
  }),
  TRUST_PROXY: withDefault(proxies, 'loopback', { description: 'Express `trust proxy` setting, for client IPs behind a proxy.' }),
  PLINTH_HEAP_MB: withDefault(positiveInteger, '160', {
    description:
      'The V8 old-space cap `npm start` and the Docker image run with: RSS stays near 160 MB under load (`npm run bench`). Raise it for very large deployments.',
  }),
  LOG_LEVEL: withDefault(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be fatal, error, warn, info, debug, trace or silent' }),
    'info',
    {
      description: 'pino level. Logs are JSON, one line per request with its `request_id`; no header, body or secret is logged.',
    },
  ),
  PLINTH_PROCESS: withDefault(z.enum(['all', 'api', 'worker'], { error: 'must be all, api or worker' }), 'all', {
    description: '`all` serves the API and runs the worker in one process; `api` or `worker` split them (run as many of each as you like).',
  }),
  EVENT_RETENTION_DAYS: withDefault(positiveInteger, '30', {
    description: 'Events older than this are deleted by the hourly retention job (audit retention is per tenant: `audit_log_retention_days`, default 365).',
  }),
  WEBHOOK_RETRY_SCHEDULE: withDefault(secondsList, '0,5,300,1800,7200,18000,36000,36000', {
    description: 'Seconds before each delivery attempt: 8 attempts over about 27 hours.',
  }),
  WEBHOOK_TIMEOUT_MS: withDefault(positiveInteger, '15000', {
    description: 'Deadline for one delivery (connect, send, response). Redirects are never followed.',
  }),
  WEBHOOK_DISABLE_AFTER_SECONDS: withDefault(positiveInteger, '432000', {
    note: '(5 days)',
    description: 'An endpoint failing without a single success for this long is disabled, with a `webhook_endpoint.disabled` event.',
  }),
  WEBHOOK_ENDPOINT_CONCURRENCY: withDefault(positiveInteger, '10', { description: 'Deliveries in flight to one endpoint, per worker process.' }),
  SSO_ALLOW_PRIVATE_NETWORKS: withDefault(flag, 'false', {
    description: 'Development only: allow OIDC issuers over http and on loopback or private addresses.',
  }),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: withDefault(flag, 'false', {
    description: 'Development only: allow endpoints on loopback, private and link-local addresses (refused by default, before and after DNS).',
  }),
  WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS: withDefault(positiveInteger, '86400', {
    description: 'After a secret rotation, how long the previous secret keeps signing alongside the new one.',
  }),
  SVIX_API_KEY: optional(text, {
    shown: 'unset: the built-in dispatcher',
    description: 'Send webhooks through Svix: one application per tenant, endpoints mirrored, events as messages keyed by event id.',
    secret: true,
  }),
  CORS_ALLOWED_ORIGINS: optional(origins, {
    shown: 'unset: no CORS',
    description: 'Comma-separated browser origins allowed to call the API (`*` for any), for front ends such as `examples/white-label-portal`.',
  }),
  SVIX_SERVER_URL: optional(text, { shown: "Svix's cloud", description: 'A self-hosted Svix server.' }),
});

type Settings = z.output<typeof SETTINGS>;

/** Reads the environment with SETTINGS; every bad variable is named, with what it accepts, on one line. */
function readSettings(env: NodeJS.ProcessEnv): Settings {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  const result = SETTINGS.safeParse(given);
  if (result.success) return result.data;
  const problems = new Map<string, string>();
  for (const issue of result.error.issues) {
    const name = String(issue.path[0]);
    if (problems.has(name)) continue;
    const secret = settingDocs.get(SETTINGS.shape[name as keyof Settings])?.secret;
    problems.set(name, `${name} ${issue.message}${secret ? '' : `, got ${JSON.stringify(given[name]?.slice(0, 80))}`}`);
  }
  throw new Error([...problems.values()].join('; '));
}

/** Reads the secret from PLINTH_SECRET, or from `<dataDir>/secret`, creating it (0600) on first use. */
function loadSecret(dataDir: string, given: string | undefined): string {
  if (given) return given;
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export function loadConfig(overrides: Partial<Config> = {}): Config {
  const env = readSettings(process.env);
  // npm runs workspace scripts inside api/; INIT_CWD is where the person typed `npm start`.
  const dataDir = resolve(overrides.dataDir ?? env.PLINTH_DATA_DIR ?? join(process.env.INIT_CWD ?? process.cwd(), '.plinth'));
  return {
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    databaseAppUrl: env.DATABASE_APP_URL,
    redisUrl: env.REDIS_URL,
    dataDir,
    rootKey: env.PLINTH_ROOT_KEY,
    secret: overrides.secret ?? loadSecret(dataDir, env.PLINTH_SECRET),
    rateLimitStore: env.RATE_LIMIT_STORE ?? (env.REDIS_URL ? 'redis' : 'memory'),
    apiKeyRateLimit: env.API_KEY_RATE_LIMIT,
    tenantRateLimit: env.TENANT_RATE_LIMIT,
    bodyLimit: env.BODY_LIMIT,
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    drainTimeoutMs: env.SHUTDOWN_DRAIN_MS,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    smtpUrl: env.SMTP_URL,
    mailOutbox: env.NODE_ENV !== 'production',
    mailFrom: env.MAIL_FROM,
    publicUrl: env.PUBLIC_URL,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    processRole: env.PLINTH_PROCESS,
    eventRetentionDays: env.EVENT_RETENTION_DAYS,
    webhooks: {
      retrySchedule: env.WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      disableAfterSeconds: env.WEBHOOK_DISABLE_AFTER_SECONDS,
      endpointConcurrency: env.WEBHOOK_ENDPOINT_CONCURRENCY,
      allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      previousSecretTtlSeconds: env.WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS,
    },
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS ?? [],
    sso: { allowPrivateNetworks: env.SSO_ALLOW_PRIVATE_NETWORKS },
    svix: env.SVIX_API_KEY ? { apiKey: env.SVIX_API_KEY, serverUrl: env.SVIX_SERVER_URL } : undefined,
    ...overrides,
  };
}
