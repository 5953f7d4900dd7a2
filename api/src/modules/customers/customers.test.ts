import pg from 'pg';
import { createTestApp, expectProblem, keyWithScopes, newTenant, testDatabaseUrl, type TestApp } from '../../../test/harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('customers', () => {
  it('creates, retrieves, updates, lists and deletes a customer', async () => {
    const a = await newTenant(t);
    const created = await t.http
      .post('/v1/customers')
      .set(a.auth)
      .send({ name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000', company: 'Analytical', metadata: { crm_id: 'A-1' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'customer', name: 'Ada Lovelace', email: 'ada@example.com', metadata: { crm_id: 'A-1' } });
    expect(created.body.id).toMatch(/^cus_[0-9A-Z]{26}$/);
    expect(created.headers['request-id']).toMatch(/^req_/);

    const got = await t.http.get(`/v1/customers/${created.body.id}`).set(a.auth);
    expect(got.body).toEqual(created.body);

    const updated = await t.http
      .patch(`/v1/customers/${created.body.id}`)
      .set(a.auth)
      .send({ phone: null, metadata: { crm_id: '', tier: 'gold' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ phone: null, metadata: { tier: 'gold' } });

    const list = await t.http.get('/v1/customers').set(a.auth);
    expect(list.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);

    const deleted = await t.http.delete(`/v1/customers/${created.body.id}`).set(a.auth);
    expect(deleted.body).toEqual({ id: created.body.id, object: 'customer', deleted: true });
    expectProblem(await t.http.get(`/v1/customers/${created.body.id}`).set(a.auth), 404, 'resource_missing');
  });

  it('pages through customers with a keyset cursor, newest first, each exactly once', async () => {
    const a = await newTenant(t);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push(
        (
          await t.http
            .post('/v1/customers')
            .set(a.auth)
            .send({ name: `c${i}` })
        ).body.id,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: { id: string }[]; next_cursor: string | null; has_more: boolean } } = await t.http
        .get('/v1/customers')
        .query({ limit: 3, ...(cursor ? { starting_after: cursor } : {}) })
        .set(a.auth);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      cursor = res.body.next_cursor;
      expect(res.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by email (case-insensitive) and by created range', async () => {
    const a = await newTenant(t);
    await t.http.post('/v1/customers').set(a.auth).send({ email: 'Find.Me@example.com' });
    await t.http.post('/v1/customers').set(a.auth).send({ email: 'other@example.com' });
    const byEmail = await t.http.get('/v1/customers').query({ email: 'find.me@example.com' }).set(a.auth);
    expect(byEmail.body.data).toHaveLength(1);
    const future = await t.http
      .get('/v1/customers')
      .query({ created_gte: new Date(Date.now() + 60_000).toISOString() })
      .set(a.auth);
    expect(future.body.data).toHaveLength(0);
    const past = await t.http
      .get('/v1/customers')
      .query({ created_lt: new Date(Date.now() + 60_000).toISOString() })
      .set(a.auth);
    expect(past.body.data).toHaveLength(2);
    // Equality, not a pattern: LIKE wildcards match themselves only; filters combine.
    expect((await t.http.get('/v1/customers').query({ email: 'find%' }).set(a.auth)).body.data).toHaveLength(0);
    expect(
      (
        await t.http
          .get('/v1/customers')
          .query({ email: 'FIND.ME@EXAMPLE.COM', created_lt: new Date(Date.now() + 60_000).toISOString() })
          .set(a.auth)
      ).body.data,
    ).toHaveLength(1);
  });

  it('rejects invalid fields with every offending field listed', async () => {
    const a = await newTenant(t);
    const res = await t.http.post('/v1/customers').set(a.auth).send({ email: 'not-an-email', phone: 'call me', unknown_field: 1 });
    expectProblem(res, 422, 'validation_failed');
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['email', 'phone']));
    expect(JSON.stringify(res.body.errors)).toMatch(/unknown_field/);
  });

  it('rejects oversized metadata', async () => {
    const a = await newTenant(t);
    const metadata = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expectProblem(await t.http.post('/v1/customers').set(a.auth).send({ metadata }), 422, 'validation_failed');
  });

  it('answers 404 for another tenant’s customer and changes nothing', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const theirs = (await t.http.post('/v1/customers').set(b.auth).send({ name: 'Theirs' })).body;
    expectProblem(await t.http.get(`/v1/customers/${theirs.id}`).set(a.auth), 404);
    expectProblem(await t.http.patch(`/v1/customers/${theirs.id}`).set(a.auth).send({ name: 'Hacked' }), 404);
    expectProblem(await t.http.delete(`/v1/customers/${theirs.id}`).set(a.auth), 404);
    expect((await t.http.get(`/v1/customers/${theirs.id}`).set(b.auth)).body.name).toBe('Theirs');
    expect((await t.http.get('/v1/customers').set(a.auth)).body.data).toHaveLength(0);
  });

  it('needs customers:write to create and customers:read to list', async () => {
    const a = await newTenant(t);
    const reader = await keyWithScopes(t, a, ['customers:read']);
    expectProblem(await t.http.post('/v1/customers').set(reader).send({ name: 'x' }), 403, 'missing_permission');
    expect((await t.http.get('/v1/customers').set(reader)).status).toBe(200);
    expectProblem(await t.http.get('/v1/customers'), 401);
  });

  it('finds a customer by email through its index for the application role, under row-level security, in a large tenant', async () => {
    const a = await newTenant(t);
    const owner = new pg.Client({ connectionString: testDatabaseUrl() });
    const app = new pg.Client({ connectionString: t.runtime.database.appUrl });
    await Promise.all([owner.connect(), app.connect()]);
    try {
      await owner.query(
        `insert into customers (id, tenant_id, email, metadata, created_at, updated_at)
         select 'cus_0' || lpad(n::text, 25, '0'), $1, 'c' || n || '@example.com', '{}', now(), now() from generate_series(1, 20000) n`,
        [a.tenantId],
      );
      await owner.query('analyze customers');
      const found = await t.http.get('/v1/customers?email=C1234@Example.COM').set(a.auth);
      expect(found.body.data.map((c: { email: string }) => c.email)).toEqual(['c1234@example.com']);
      // The plan the application role gets once the prepared statement goes generic (the list's own condition).
      await app.query(`select set_config('app.tenant_id', $1, false)`, [a.tenantId]);
      await app.query(`set plan_cache_mode = force_generic_plan`);
      await app.query(`prepare by_email (text, text, int) as
        select id from customers where tenant_id = $1 and email_lower = lower($2) order by id desc limit $3`);
      // The tenant id is an id (checked by the harness), so it can be written into the statement.
      const { rows } = await app.query(`explain (format json) execute by_email ('${a.tenantId}', 'C1234@EXAMPLE.COM', 21)`);
      expect(JSON.stringify(rows[0]['QUERY PLAN'])).toContain('customers_tenant_email_lower');
    } finally {
      await Promise.all([owner.end(), app.end()]);
    }
  });
});
