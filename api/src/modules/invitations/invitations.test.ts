import { createTestApp, expectProblem, newTenant, uniqueEmail, type TestApp } from '../../../test/harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('invitations', () => {
  it('invites a new user who accepts with a password and gets the invited role', async () => {
    const a = await newTenant(t);
    const email = uniqueEmail('invitee');
    const inv = await t.http.post('/v1/invitations').set(a.auth).send({ email, role: 'developer' });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ object: 'invitation', status: 'pending', role: 'developer' });
    expect(t.lastTokenFor(email)).toBe(inv.body.token);
    expectProblem(await t.http.post('/v1/invitations').set(a.auth).send({ email, role: 'developer' }), 409, 'invitation_pending');
    const accepted = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Sam', password: 'sams long password' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.tenant_id).toBe(a.tenantId);
    expectProblem(
      await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Sam', password: 'sams long password' }),
      410,
      'invitation_used',
    );
    const members = await t.http.get('/v1/members').set(a.auth);
    expect(members.body.data.map((m: { role: string }) => m.role).sort()).toEqual(['developer', 'owner']);
    // A developer reads members but cannot invite.
    expectProblem(
      await t.http
        .post('/v1/invitations')
        .set({ Authorization: `Bearer ${accepted.body.access_token}` })
        .send({ email: uniqueEmail(), role: 'viewer' }),
      403,
      'missing_permission',
    );
  });

  it('lets an existing user accept with their password and then switch tenants at refresh', async () => {
    const a = await newTenant(t, 'A');
    const b = await newTenant(t, 'B');
    const inv = await t.http.post('/v1/invitations').set(a.auth).send({ email: b.email, role: 'viewer' });
    expectProblem(await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, password: 'not their password' }), 401, 'invalid_credentials');
    const accepted = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, password: b.password });
    expect(accepted.body.tenant_id).toBe(a.tenantId);
    const switched = await t.http.post('/v1/auth/refresh').send({ refresh_token: b.refreshToken, tenant_id: a.tenantId });
    expect(switched.body.tenant_id).toBe(a.tenantId);
    const me = await t.http.get('/v1/me').set({ Authorization: `Bearer ${switched.body.access_token}` });
    expect(me.body.memberships).toHaveLength(2);
    expectProblem(
      await t.http
        .post('/v1/customers')
        .set({ Authorization: `Bearer ${switched.body.access_token}` })
        .send({ name: 'x' }),
      403,
      'missing_permission',
    );
  });

  it('revokes an invitation so it can no longer be accepted', async () => {
    const a = await newTenant(t);
    const inv = await t.http
      .post('/v1/invitations')
      .set(a.auth)
      .send({ email: uniqueEmail('rev'), role: 'member' });
    expect((await t.http.delete(`/v1/invitations/${inv.body.id}`).set(a.auth)).body.status).toBe('revoked');
    expectProblem(await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'X', password: 'some password here' }), 404);
  });

  it('lists the tenant’s invitations', async () => {
    const a = await newTenant(t);
    const email = uniqueEmail('happy');
    const inv = await t.http.post('/v1/invitations').set(a.auth).send({ email, role: 'viewer' });
    expect((await t.http.get('/v1/invitations').set(a.auth)).body.data.map((i: { id: string }) => i.id)).toContain(inv.body.id);
  });
});
