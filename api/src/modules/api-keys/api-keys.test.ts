import { createTestApp, expectProblem, keyWithScopes, newTenant, type TestApp } from '../../../test/harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('api keys', () => {
  it('shows the secret once, then only its prefix and last four', async () => {
    const a = await newTenant(t);
    const created = await t.http
      .post('/v1/api-keys')
      .set(a.auth)
      .send({ name: 'deploys', scopes: ['customers:read'] });
    expect(created.body.secret).toMatch(/^sk_live_[A-Za-z0-9]{32}$/);
    const got = await t.http.get(`/v1/api-keys/${created.body.id}`).set(a.auth);
    expect(got.body).toMatchObject({ prefix: 'sk_live_', last4: created.body.secret.slice(-4), scopes: ['customers:read'] });
    expect(JSON.stringify(got.body)).not.toContain(created.body.secret);
    await t.http.get('/v1/customers').set({ Authorization: `Bearer ${created.body.secret}` });
    expect((await t.http.get(`/v1/api-keys/${created.body.id}`).set(a.auth)).body.last_used_at).not.toBeNull();
  });

  it('refuses scopes beyond the creator’s permissions, unknown scopes and past expiry', async () => {
    const a = await newTenant(t);
    const limited = await keyWithScopes(t, a, ['api_keys:write', 'customers:read']);
    expectProblem(
      await t.http
        .post('/v1/api-keys')
        .set(limited)
        .send({ name: 'x', scopes: ['customers:write'] }),
      403,
      'permission_escalation',
    );
    expectProblem(
      await t.http
        .post('/v1/api-keys')
        .set(a.auth)
        .send({ name: 'x', scopes: ['everything:all'] }),
      422,
      'validation_failed',
    );
    expectProblem(
      await t.http
        .post('/v1/api-keys')
        .set(a.auth)
        .send({ name: 'x', scopes: ['customers:read'], expires_at: '2001-01-01T00:00:00Z' }),
      422,
      'invalid_expiry',
    );
  });

  it('rolls a key with a grace period for the old secret, and revokes at once', async () => {
    const a = await newTenant(t);
    const created = (
      await t.http
        .post('/v1/api-keys')
        .set(a.auth)
        .send({ name: 'r', scopes: ['customers:read'] })
    ).body;
    const rolled = await t.http.post(`/v1/api-keys/${created.id}/roll`).set(a.auth).send({ grace_period_seconds: 3600 });
    expect(rolled.body.secret).not.toBe(created.secret);
    expect(rolled.body.previous_secret_expires_at).not.toBeNull();
    expect((await t.http.get('/v1/customers').set({ Authorization: `Bearer ${created.secret}` })).status).toBe(200);
    expect((await t.http.get('/v1/customers').set({ Authorization: `Bearer ${rolled.body.secret}` })).status).toBe(200);
    const rolledAgain = await t.http.post(`/v1/api-keys/${created.id}/roll`).set(a.auth).send({});
    expectProblem(await t.http.get('/v1/customers').set({ Authorization: `Bearer ${rolled.body.secret}` }), 401, 'invalid_api_key');
    expect((await t.http.delete(`/v1/api-keys/${created.id}`).set(a.auth)).body.deleted).toBe(true);
    expectProblem(await t.http.get('/v1/customers').set({ Authorization: `Bearer ${rolledAgain.body.secret}` }), 401, 'api_key_revoked');
    expectProblem(await t.http.post(`/v1/api-keys/${created.id}/roll`).set(a.auth).send({ grace_period_seconds: 999999 }), 422, 'validation_failed');
  });

  it('lists the tenant’s keys', async () => {
    const a = await newTenant(t);
    const keys = await t.http.get('/v1/api-keys').set(a.auth);
    expect(keys.body.data.length).toBeGreaterThanOrEqual(1);
  });
});
