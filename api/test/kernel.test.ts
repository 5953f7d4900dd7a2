import pg from 'pg';
import { createTestApp, expectProblem, newTenant, rootAuth, type TestApp } from './harness';
import { CURRENT_API_VERSION } from '../src/core/http/versioning';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('errors are problem+json', () => {
  it('answers malformed JSON with 400, an unknown route with 404, a foreign media type with 415 and a large body with 413', async () => {
    const a = await newTenant(t);
    expectProblem(await t.http.post('/v1/customers').set(a.auth).set('Content-Type', 'application/json').send('{"name":'), 400, 'malformed_json');
    expectProblem(await t.http.get('/v1/nothing-here').set(a.auth), 404, 'route_not_found');
    expectProblem(await t.http.post('/v1/customers').set(a.auth).set('Content-Type', 'text/plain').send('name=x'), 415, 'unsupported_media_type');
    expectProblem(
      await t.http
        .post('/v1/customers')
        .set(a.auth)
        .send({ name: 'x'.repeat(200_000) }),
      413,
      'body_too_large',
    );
  });

  it('puts a Request-Id on every response, errors included', async () => {
    const res = await t.http.get('/v1/customers');
    expect(res.headers['request-id']).toMatch(/^req_[0-9A-Z]{26}$/);
    expect(res.body.request_id).toBe(res.headers['request-id']);
  });

  it('serves health, readiness, the contract and the docs', async () => {
    expect((await t.http.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/readyz')).body).toEqual({ status: 'ready' });
    expect((await t.http.get('/openapi.json')).body.openapi).toBe('3.0.0');
    expect((await t.http.get('/docs/')).text).toMatch(/swagger-ui/i);
  });
});

describe('idempotency', () => {
  it('creates exactly one customer from 20 concurrent identical POSTs with one key', async () => {
    const a = await newTenant(t);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => t.http.post('/v1/customers').set(a.auth).set('Idempotency-Key', 'concurrent-1').send({ name: 'Once' })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const list = await t.http.get('/v1/customers').set(a.auth);
    expect(list.body.data).toHaveLength(1);
  });

  it('replays the first response for the same key and body, and refuses a different body with 422', async () => {
    const a = await newTenant(t);
    const first = await t.http.post('/v1/customers').set(a.auth).set('Idempotency-Key', 'k1').send({ name: 'First' });
    const again = await t.http.post('/v1/customers').set(a.auth).set('Idempotency-Key', 'k1').send({ name: 'First' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expectProblem(await t.http.post('/v1/customers').set(a.auth).set('Idempotency-Key', 'k1').send({ name: 'Other' }), 422, 'idempotency_key_reused');
  });

  it('scopes keys to the tenant: another tenant may use the same key', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const ra = await t.http.post('/v1/customers').set(a.auth).set('Idempotency-Key', 'shared').send({ name: 'A' });
    const rb = await t.http.post('/v1/customers').set(b.auth).set('Idempotency-Key', 'shared').send({ name: 'A' });
    expect(rb.status).toBe(201);
    expect(rb.body.id).not.toBe(ra.body.id);
  });

  it('applies to POST only: with PATCH, PUT, DELETE or GET the key is refused and nothing changes', async () => {
    const a = await newTenant(t);
    const created = await t.http.post('/v1/customers').set(a.auth).send({ name: 'Before' });
    const path = `/v1/customers/${created.body.id}`;
    const patched = await t.http.patch(path).set(a.auth).set('Idempotency-Key', 'p1').send({ name: 'After' });
    expectProblem(patched, 400, 'idempotency_key_not_allowed');
    expect(patched.body.detail).toMatch(/POST/);
    expectProblem(await t.http.delete(path).set(a.auth).set('Idempotency-Key', 'd1'), 400, 'idempotency_key_not_allowed');
    expectProblem(await t.http.get(path).set(a.auth).set('Idempotency-Key', 'g1'), 400, 'idempotency_key_not_allowed');
    const after = await t.http.get(path).set(a.auth);
    expect(after.status).toBe(200);
    expect(after.body.name).toBe('Before');
  });
});

describe('row-level security', () => {
  it('shows no other tenant’s rows even with the application filter bypassed', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    await t.http.post('/v1/customers').set(b.auth).send({ name: 'B secret' });
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'A own' });
    // Raw SQL as the application role, no ORM filter, no WHERE clause: only RLS stands in the way.
    const client = new pg.Client({ connectionString: t.runtime.database.orm.config.get('clientUrl') });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('app.tenant_id', $1, true)`, [a.tenantId]);
      const rows = (await client.query('select name, tenant_id from customers')).rows;
      expect(rows).toEqual([{ name: 'A own', tenant_id: a.tenantId }]);
      const keys = (await client.query('select distinct tenant_id from api_keys')).rows;
      expect(keys).toEqual([{ tenant_id: a.tenantId }]);
      await client.query('rollback');
      const none = (await client.query('select count(*)::int as n from customers')).rows[0].n;
      expect(none).toBe(0);
      await expect(
        client.query(`insert into customers (id, tenant_id, metadata, created_at, updated_at) values ('cus_X', $1, '{}', now(), now())`, [b.tenantId]),
      ).rejects.toThrow(/row-level security/);
      const bypass = (await client.query(`select rolbypassrls, rolsuper from pg_roles where rolname = current_user`)).rows[0];
      expect(bypass).toEqual({ rolbypassrls: false, rolsuper: false });
    } finally {
      await client.end();
    }
  });
});

describe('rate limits', () => {
  it('answers RateLimit headers, and 429 with Retry-After once a key’s own limit is spent', async () => {
    const a = await newTenant(t);
    const key = await t.http
      .post('/v1/api-keys')
      .set(a.auth)
      .send({ name: 'tight', scopes: ['customers:read'], rate_limit: 3 });
    const auth = { Authorization: `Bearer ${key.body.secret}` };
    const ok = await t.http.get('/v1/customers').set(auth);
    expect(ok.headers['ratelimit-limit']).toBe('3');
    expect(ok.headers['ratelimit-remaining']).toBe('2');
    expect(Number(ok.headers['ratelimit-reset'])).toBeGreaterThan(0);
    await t.http.get('/v1/customers').set(auth);
    await t.http.get('/v1/customers').set(auth);
    const limited = await t.http.get('/v1/customers').set(auth);
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.http.get('/v1/customers').set(a.auth)).status).toBe(200);
  });

  it('limits a whole tenant across its keys', async () => {
    const tight = await createTestApp({ tenantRateLimit: 4 });
    try {
      const a = await newTenant(tight); // signup + permissions + key creation spend 2 of the 4
      await tight.http.get('/v1/customers').set(a.auth);
      await tight.http.get('/v1/customers').set(a.session);
      expectProblem(await tight.http.get('/v1/customers').set(a.auth), 429, 'rate_limited');
    } finally {
      await tight.close();
    }
  });
});

describe('shared rate-limit stores', () => {
  // Redis runs on the development and CI machines; REDIS_URL points elsewhere when set.
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

  it.each(['redis', 'postgres'] as const)('enforces a key’s limit through the %s store', async (store) => {
    const app = await createTestApp({ rateLimitStore: store, redisUrl });
    try {
      const a = await newTenant(app);
      const key = await app.http
        .post('/v1/api-keys')
        .set(a.auth)
        .send({ name: 'tight', scopes: ['customers:read'], rate_limit: 2 });
      const auth = { Authorization: `Bearer ${key.body.secret}` };
      expect((await app.http.get('/v1/customers').set(auth)).headers['ratelimit-remaining']).toBe('1');
      await app.http.get('/v1/customers').set(auth);
      expectProblem(await app.http.get('/v1/customers').set(auth), 429, 'rate_limited');
    } finally {
      await app.close();
    }
  });
});

describe('API versions', () => {
  it('echoes the version used, defaults to the current one, and refuses an unknown one', async () => {
    const a = await newTenant(t);
    const plain = await t.http.get('/v1/customers').set(a.auth);
    expect(plain.headers['plinth-version']).toBe(CURRENT_API_VERSION);
    const pinned = await t.http.get('/v1/customers').set(a.auth).set('Plinth-Version', CURRENT_API_VERSION);
    expect(pinned.status).toBe(200);
    expect(pinned.headers['plinth-version']).toBe(CURRENT_API_VERSION);
    const unknown = await t.http.get('/v1/customers').set(a.auth).set('Plinth-Version', '2019-01-01');
    expectProblem(unknown, 400, 'invalid_api_version');
    expect(unknown.body.detail).toContain(CURRENT_API_VERSION);
  });
});

describe('CORS', () => {
  it('answers preflights and exposes headers only to configured origins', async () => {
    const withCors = await createTestApp({ corsAllowedOrigins: ['https://app.example.com'] });
    try {
      const preflight = await withCors.http
        .options('/v1/customers')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(preflight.headers['access-control-allow-headers']).toContain('Idempotency-Key');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      const a = await newTenant(withCors);
      const get = await withCors.http.get('/v1/customers').set(a.auth).set('Origin', 'https://app.example.com');
      expect(get.headers['access-control-expose-headers']).toContain('Request-Id');
      const other = await withCors.http.get('/v1/customers').set(a.auth).set('Origin', 'https://evil.example.com');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await withCors.close();
    }
    const none = await t.http.get('/v1/customers').set('Origin', 'https://app.example.com');
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('credential cache', () => {
  it('serves verified keys from memory and still revokes at once, in this process and in another', async () => {
    // Two processes of one deployment, each with its own cache, on a database of their own: every
    // NOTIFY on the channel clears the caches, so other test files' revocations must not interfere.
    const one = await createTestApp({ ownDatabase: 'credcache' });
    const other = await createTestApp({ ownDatabase: 'credcache' });
    const t = one;
    try {
      const a = await newTenant(t);
      const key = (
        await t.http
          .post('/v1/api-keys')
          .set(a.auth)
          .send({ name: 'cached', scopes: ['customers:read'] })
      ).body;
      const auth = { Authorization: `Bearer ${key.secret}` };
      expect((await t.http.get('/v1/customers').set(auth)).status).toBe(200);
      expect((await other.http.get('/v1/customers').set(auth)).status).toBe(200);
      expect(t.runtime.deps.credentials.size).toBeGreaterThan(0);
      expect(other.runtime.deps.credentials.size).toBeGreaterThan(0);

      await t.http.delete(`/v1/api-keys/${key.id}`).set(a.auth);
      expectProblem(await t.http.get('/v1/customers').set(auth), 401, 'api_key_revoked');
      // The other process learns of it through NOTIFY, delivered on commit.
      const deadline = Date.now() + 2000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        status = (await other.http.get('/v1/customers').set(auth)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 5));
      }
      expect(status).toBe(401);
    } finally {
      await other.close();
      await one.close();
    }
  });

  it('drops cached keys when their tenant is suspended', async () => {
    const child = (await t.http.post('/v1/tenants').set(rootAuth).send({ name: 'Cached child' })).body;
    const key = (
      await t.http
        .post('/v1/api-keys')
        .set(rootAuth)
        .set('Plinth-Tenant', child.id)
        .send({ name: 'child', scopes: ['customers:read'] })
    ).body;
    const auth = { Authorization: `Bearer ${key.secret}` };
    expect((await t.http.get('/v1/customers').set(auth)).status).toBe(200);
    await t.http.post(`/v1/tenants/${child.id}/suspend`).set(rootAuth);
    expectProblem(await t.http.get('/v1/customers').set(auth), 403, 'tenant_suspended');
    await t.http.post(`/v1/tenants/${child.id}/resume`).set(rootAuth);
    expect((await t.http.get('/v1/customers').set(auth)).status).toBe(200);
  });
});
