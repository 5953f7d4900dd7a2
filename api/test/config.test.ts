import { loadConfig, SETTINGS, settingDocs } from '../src/core/config';

const SECRET = 'x'.repeat(32);

/** loadConfig with exactly these settings in the environment (every other setting unset). */
function configWith(vars: Record<string, string>) {
  const saved = { ...process.env };
  for (const name of Object.keys(SETTINGS.shape)) delete process.env[name];
  Object.assign(process.env, vars);
  try {
    return loadConfig({ secret: SECRET, dataDir: '/nonexistent/plinth' });
  } finally {
    process.env = saved;
  }
}

const failure = (vars: Record<string, string>) => {
  try {
    configWith(vars);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('configuration', () => {
  it('has a default for every setting, and the README text for each', () => {
    const config = configWith({});
    expect(config).toMatchObject({
      port: 3000,
      rateLimitStore: 'memory',
      apiKeyRateLimit: 1000,
      tenantRateLimit: 5000,
      bodyLimit: 100 * 1024,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 12_000,
      drainTimeoutMs: 10_000,
      logLevel: 'info',
      trustProxy: 'loopback',
      mailOutbox: true,
      mailFrom: 'Plinth <no-reply@plinth.local>',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 30 * 24 * 3600,
      processRole: 'all',
      eventRetentionDays: 30,
      webhooks: {
        retrySchedule: [0, 5, 300, 1800, 7200, 18000, 36000, 36000],
        timeoutMs: 15_000,
        disableAfterSeconds: 5 * 24 * 3600,
        endpointConcurrency: 10,
        allowPrivateNetworks: false,
        previousSecretTtlSeconds: 24 * 3600,
      },
      corsAllowedOrigins: [],
      sso: { allowPrivateNetworks: false },
    });
    expect(config.databaseUrl ?? config.databaseAppUrl ?? config.redisUrl ?? config.smtpUrl ?? config.publicUrl ?? config.svix).toBeUndefined();
    for (const [name, schema] of Object.entries(SETTINGS.shape)) {
      const doc = settingDocs.get(schema);
      expect({ name, described: !!doc?.description, defaulted: !!(doc?.fallback ?? doc?.shown) }).toEqual({ name, described: true, defaulted: true });
    }
  });

  it('reads each kind of value as it always has, an empty variable counting as unset', () => {
    const config = configWith({
      PORT: '8080',
      BODY_LIMIT: ' 2MB ',
      WEBHOOK_RETRY_SCHEDULE: '0, 10,60',
      CORS_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173,',
      REDIS_URL: 'redis://cache:6379',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      SSO_ALLOW_PRIVATE_NETWORKS: 'false',
      PLINTH_PROCESS: 'worker',
      NODE_ENV: 'production',
      SVIX_API_KEY: 'sk_svix',
      TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8, 192.168.0.1/255.255.255.0',
      LOG_LEVEL: '',
      MAIL_FROM: '',
    });
    expect(config).toMatchObject({
      port: 8080,
      bodyLimit: 2 * 1024 * 1024,
      rateLimitStore: 'redis',
      processRole: 'worker',
      mailOutbox: false,
      corsAllowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      webhooks: { retrySchedule: [0, 10, 60], allowPrivateNetworks: true },
      sso: { allowPrivateNetworks: false },
      svix: { apiKey: 'sk_svix', serverUrl: undefined },
      logLevel: 'info',
      mailFrom: 'Plinth <no-reply@plinth.local>',
    });
    expect(configWith({ CORS_ALLOWED_ORIGINS: '*' }).corsAllowedOrigins).toEqual(['*']);
    expect(configWith({ REDIS_URL: 'redis://cache:6379', RATE_LIMIT_STORE: 'postgres' }).rateLimitStore).toBe('postgres');
  });

  it('refuses a bad value with one line naming the variable and what it accepts', () => {
    expect(failure({ PORT: 'eighty' })).toBe('PORT must be a positive integer, got "eighty"');
    expect(failure({ API_KEY_RATE_LIMIT: '0' })).toBe('API_KEY_RATE_LIMIT must be a positive integer, got "0"');
    expect(failure({ BODY_LIMIT: '1gb' })).toBe('BODY_LIMIT must be a size such as 100kb or 1mb, got "1gb"');
    expect(failure({ WEBHOOK_RETRY_SCHEDULE: '0,-5' })).toBe('WEBHOOK_RETRY_SCHEDULE must be a comma-separated list of non-negative seconds, got "0,-5"');
    expect(failure({ RATE_LIMIT_STORE: 'disk' })).toBe('RATE_LIMIT_STORE must be memory, redis or postgres, got "disk"');
    expect(failure({ PLINTH_PROCESS: 'web' })).toBe('PLINTH_PROCESS must be all, api or worker, got "web"');
    expect(failure({ LOG_LEVEL: 'verbose' })).toBe('LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, got "verbose"');
    expect(failure({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' })).toBe('WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false, got "yes"');
    expect(failure({ PUBLIC_URL: 'ftp://plinth.example.com' })).toMatch(/^PUBLIC_URL must be an absolute http\(s\) URL of at most 1000 characters/);
    expect(failure({ CORS_ALLOWED_ORIGINS: 'https://app.example.com/' })).toMatch(/^CORS_ALLOWED_ORIGINS must be comma-separated origins such as/);
    expect(failure({ TRUST_PROXY: 'true' })).toMatch(/^TRUST_PROXY must be loopback, linklocal, uniquelocal or comma-separated IP addresses/);
    // Several at once, still one line; a secret's value is never repeated.
    const both = failure({ PORT: '-1', PLINTH_SECRET: 'too-short-a-secret' });
    expect(both).toBe('PORT must be a positive integer, got "-1"; PLINTH_SECRET must be at least 32 characters');
    expect(both).not.toContain('too-short');
    expect(failure({ HEADERS_TIMEOUT_MS: 'x\ny' })).not.toContain('\n');
  });
});
