import { createTestApp, expectProblem, keyWithScopes, newTenant, uniqueEmail, type TestApp } from '../../../test/harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('members', () => {
  it('keeps the last owner, and lets only owners grant ownership', async () => {
    const a = await newTenant(t);
    const members = await t.http.get('/v1/members').set(a.auth);
    const owner = members.body.data[0];
    expectProblem(await t.http.patch(`/v1/members/${owner.id}`).set(a.auth).send({ role: 'admin' }), 422, 'last_owner');
    expectProblem(await t.http.delete(`/v1/members/${owner.id}`).set(a.auth), 422, 'last_owner');
    expectProblem(await t.http.patch(`/v1/members/${owner.id}`).set(a.auth).send({ role: 'no_such_role' }), 422, 'unknown_role');
    const admin = await keyWithScopes(t, a, ['members:write', 'members:read']);
    expectProblem(await t.http.patch(`/v1/members/${owner.id}`).set(admin).send({ role: 'viewer' }), 403);
    const inv = await t.http
      .post('/v1/invitations')
      .set(a.auth)
      .send({ email: uniqueEmail('second'), role: 'owner' });
    const second = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Second', password: 'second owner password' });
    expect(second.status).toBe(200);
    expect((await t.http.patch(`/v1/members/${owner.id}`).set(a.auth).send({ role: 'admin' })).body.role).toBe('admin');
  });

  it('reads and removes a member, whose credentials then stop working', async () => {
    const a = await newTenant(t);
    const email = uniqueEmail('happy');
    const inv = await t.http.post('/v1/invitations').set(a.auth).send({ email, role: 'viewer' });
    const joined = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Happy', password: 'happy path password' });
    const member = (await t.http.get('/v1/members').set(a.auth)).body.data.find((m: { user: { email: string } }) => m.user.email === email);
    expect((await t.http.get(`/v1/members/${member.id}`).set(a.auth)).body).toMatchObject({ object: 'member', role: 'viewer' });
    expect((await t.http.delete(`/v1/members/${member.id}`).set(a.auth)).body.deleted).toBe(true);
    expectProblem(await t.http.get('/v1/customers').set({ Authorization: `Bearer ${joined.body.access_token}` }), 401, 'membership_removed');
  });
});
