import { createTestApp, expectProblem, newTenant, type TestApp } from '../../../test/harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('roles', () => {
  it('lists system roles and the permission catalogue, and manages custom roles', async () => {
    const a = await newTenant(t);
    const roles = await t.http.get('/v1/roles').set(a.auth);
    expect(roles.body.data.filter((r: { system: boolean }) => r.system).map((r: { key: string }) => r.key)).toEqual([
      'owner',
      'admin',
      'developer',
      'member',
      'viewer',
      'billing',
    ]);
    expect((await t.http.get('/v1/permissions').set(a.auth)).body.data.map((p: { id: string }) => p.id)).toContain('customers:write');
    const role = await t.http
      .post('/v1/roles')
      .set(a.auth)
      .send({ key: 'support', name: 'Support', permissions: ['customers:read'] });
    expect(role.status).toBe(201);
    expectProblem(await t.http.post('/v1/roles').set(a.auth).send({ key: 'support', name: 'Again', permissions: [] }), 409, 'role_exists');
    expectProblem(await t.http.post('/v1/roles').set(a.auth).send({ key: 'admin', name: 'Mine', permissions: [] }), 422, 'role_key_reserved');
    expectProblem(await t.http.patch('/v1/roles/role_admin').set(a.auth).send({ name: 'x' }), 403, 'system_role_immutable');
    const updated = await t.http
      .patch(`/v1/roles/${role.body.id}`)
      .set(a.auth)
      .send({ permissions: ['customers:read', 'customers:write'] });
    expect(updated.body.permissions).toEqual(['customers:read', 'customers:write']);
    expect((await t.http.delete(`/v1/roles/${role.body.id}`).set(a.auth)).body.deleted).toBe(true);
  });

  it('reads a system role by its id', async () => {
    const a = await newTenant(t);
    expect((await t.http.get('/v1/roles/role_viewer').set(a.auth)).body).toMatchObject({ key: 'viewer', system: true });
  });
});
