import { createTestApp, expectProblem, newTenant, rootAuth, type TestApp } from '../../../test/harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('tenants', () => {
  it('lets the platform create a reseller, the reseller a tenant, and each act inside its descendants with Plinth-Tenant', async () => {
    const reseller = await t.http.post('/v1/tenants').set(rootAuth).send({ name: 'Reseller', kind: 'reseller' });
    expect(reseller.status).toBe(201);
    expect(reseller.body).toMatchObject({ object: 'tenant', kind: 'reseller', status: 'active' });
    const asReseller = { ...rootAuth, 'Plinth-Tenant': reseller.body.id };
    const child = await t.http.post('/v1/tenants').set(asReseller).send({ name: 'Customer Co' });
    expect(child.body).toMatchObject({ kind: 'standard', parent_id: reseller.body.id });
    expectProblem(await t.http.post('/v1/tenants').set(asReseller).send({ name: 'Nope', kind: 'reseller' }), 422, 'invalid_kind');

    const inChild = { ...rootAuth, 'Plinth-Tenant': child.body.id };
    const customer = await t.http.post('/v1/customers').set(inChild).send({ name: 'Deep' });
    expect(customer.status).toBe(201);
    const children = await t.http.get('/v1/tenants').query({ parent_id: reseller.body.id }).set(rootAuth);
    expect(children.body.data.map((x: { id: string }) => x.id)).toEqual([child.body.id]);
  });

  it('hides tenants outside the caller’s subtree (404) and refuses children under a standard tenant', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    expectProblem(await t.http.get('/v1/customers').set({ ...a.auth, 'Plinth-Tenant': b.tenantId }), 404);
    expectProblem(await t.http.get(`/v1/tenants/${b.tenantId}`).set(a.auth), 404);
    expectProblem(await t.http.post('/v1/tenants').set(a.auth).send({ name: 'Child' }), 403, 'children_not_allowed');
    expect((await t.http.get(`/v1/tenants/${a.tenantId}`).set(a.auth)).body.id).toBe(a.tenantId);
  });

  it('suspends a tenant: its keys and sessions get 403 tenant_suspended until resumed', async () => {
    const a = await newTenant(t);
    expect((await t.http.post(`/v1/tenants/${a.tenantId}/suspend`).set(rootAuth)).body.status).toBe('suspended');
    expectProblem(await t.http.get('/v1/customers').set(a.auth), 403, 'tenant_suspended');
    expectProblem(await t.http.get('/v1/me').set(a.session), 403, 'tenant_suspended');
    expectProblem(await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password }), 403, 'tenant_suspended');
    expectProblem(await t.http.post(`/v1/tenants/${a.tenantId}/suspend`).set(a.auth), 403, 'tenant_suspended');
    await t.http.post(`/v1/tenants/${a.tenantId}/resume`).set(rootAuth);
    expect((await t.http.get('/v1/customers').set(a.auth)).status).toBe(200);
  });

  it('updates a tenant’s name and metadata', async () => {
    const a = await newTenant(t);
    const renamed = await t.http
      .patch(`/v1/tenants/${a.tenantId}`)
      .set(a.auth)
      .send({ name: 'Renamed', metadata: { plan: 'pro' } });
    expect(renamed.body).toMatchObject({ name: 'Renamed', metadata: { plan: 'pro' } });
  });
});

describe('suspension covers the subtree', () => {
  it("refuses a child tenant's own credentials while an ancestor is suspended", async () => {
    const reseller = (await t.http.post('/v1/tenants').set(rootAuth).send({ name: 'Reseller', kind: 'reseller' })).body;
    const child = (await t.http.post('/v1/tenants').set(rootAuth).set('Plinth-Tenant', reseller.id).send({ name: 'Child of reseller' })).body;
    expect(child.parent_id).toBe(reseller.id);
    const key = (
      await t.http
        .post('/v1/api-keys')
        .set(rootAuth)
        .set('Plinth-Tenant', child.id)
        .send({ name: 'child key', scopes: ['customers:read'] })
    ).body;
    const auth = { Authorization: `Bearer ${key.secret}` };
    expect((await t.http.get('/v1/customers').set(auth)).status).toBe(200);
    await t.http.post(`/v1/tenants/${reseller.id}/suspend`).set(rootAuth);
    expectProblem(await t.http.get('/v1/customers').set(auth), 403, 'tenant_suspended');
    await t.http.post(`/v1/tenants/${reseller.id}/resume`).set(rootAuth);
    expect((await t.http.get('/v1/customers').set(auth)).status).toBe(200);
  });
});
