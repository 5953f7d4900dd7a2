import { createTestApp, expectProblem, newTenant, TEST_PUBLIC_URL, uniqueEmail, type TestApp, type TestTenant } from '../../../test/harness';

/**
 * SCIM 2.0 provisioning driven by the request sequences Okta and Microsoft Entra ID send (from their
 * published SCIM guides): look-up by userName, create, read, replace, PATCH deactivate (which ends the
 * user's sessions in the tenant), group membership mapped to roles, and delete.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const SCIM = 'application/scim+json';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function scimToken(a: TestTenant): Promise<{ Authorization: string }> {
  const res = await t.http.post('/v1/sso/scim-tokens').set(a.auth).send({ name: 'IdP provisioning' });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ object: 'scim_token', scim_base_url: `${TEST_PUBLIC_URL}/scim/v2`, token: expect.stringMatching(/^scim_/) });
  return { Authorization: `Bearer ${res.body.token}` };
}

const scim = (auth: { Authorization: string }) => ({
  get: (path: string) => t.http.get(`/scim/v2${path}`).set(auth),
  post: (path: string, body: object) => t.http.post(`/scim/v2${path}`).set(auth).set('Content-Type', SCIM).send(JSON.stringify(body)),
  put: (path: string, body: object) => t.http.put(`/scim/v2${path}`).set(auth).set('Content-Type', SCIM).send(JSON.stringify(body)),
  patch: (path: string, body: object) => t.http.patch(`/scim/v2${path}`).set(auth).set('Content-Type', SCIM).send(JSON.stringify(body)),
  delete: (path: string) => t.http.delete(`/scim/v2${path}`).set(auth),
});

async function memberByEmail(a: TestTenant, email: string) {
  const res = await t.http.get('/v1/members').query({ limit: 100 }).set(a.auth);
  return res.body.data.find((m: { user: { email: string } }) => m.user.email === email);
}

it('follows the Okta sequence: look-up, create, read, update, deactivate, groups to roles', async () => {
  const a = await newTenant(t);
  const s = scim(await scimToken(a));
  const email = uniqueEmail('okta');
  // 1. Okta checks whether the user exists.
  const lookup = await s.get(`/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=100`);
  expect(lookup.status).toBe(200);
  expect(lookup.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });
  // 2. Create.
  const created = await s.post('/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: email,
    name: { givenName: 'Olga', familyName: 'Kta' },
    emails: [{ primary: true, value: email, type: 'work' }],
    displayName: 'Olga Kta',
    locale: 'en-US',
    externalId: '00u1okta',
    groups: [],
    active: true,
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ userName: email, active: true, externalId: '00u1okta', name: { givenName: 'Olga', familyName: 'Kta' } });
  const id = created.body.id;
  expect((await s.post('/Users', { schemas: [], userName: email })).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  // 3. Read, and the filter now finds it.
  expect((await s.get(`/Users/${id}`)).body.userName).toBe(email);
  expect((await s.get(`/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`)).body.totalResults).toBe(1);
  // 4. Profile update with PUT.
  const replaced = await s.put(`/Users/${id}`, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id,
    userName: email,
    name: { givenName: 'Olga', familyName: 'Renamed' },
    emails: [{ primary: true, value: email, type: 'work' }],
    active: true,
  });
  expect(replaced.status).toBe(200);
  expect(replaced.body.displayName).toBe('Olga Renamed');
  // 5. Groups push: a group named like a role gives the role.
  const group = await s.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Admin', members: [] });
  expect(group.status).toBe(201);
  const added = await s.patch(`/Groups/${group.body.id}`, {
    schemas: [PATCH],
    Operations: [{ op: 'add', path: 'members', value: [{ value: id, display: email }] }],
  });
  expect(added.status).toBe(200);
  expect(added.body.members).toEqual([expect.objectContaining({ value: id })]);
  expect((await memberByEmail(a, email)).role).toBe('admin');
  const removed = await s.patch(`/Groups/${group.body.id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] });
  expect(removed.body.members).toEqual([]);
  expect((await memberByEmail(a, email)).role).toBe('member');
  // Rename the group: Okta sends the new name in a value object.
  const renamed = await s.patch(`/Groups/${group.body.id}`, {
    schemas: [PATCH],
    Operations: [{ op: 'replace', value: { id: group.body.id, displayName: 'Developer' } }],
  });
  expect(renamed.body.displayName).toBe('Developer');
  // 6. Deactivate.
  const off = await s.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
  expect(off.body.active).toBe(false);
  expect((await memberByEmail(a, email)).status).toBe('deactivated');
  const types = (await t.http.get('/v1/events').query({ limit: 50 }).set(a.auth)).body.data.map((e: { type: string }) => e.type);
  expect(types).toEqual(expect.arrayContaining(['member.provisioned', 'member.deprovisioned', 'member.updated']));
  const audit = await t.http.get('/v1/audit-logs').query({ action: 'member.deprovisioned' }).set(a.auth);
  expect(audit.body.data[0].actor).toMatchObject({ type: 'system', id: expect.stringMatching(/^stk_/) });
  expect((await s.delete(`/Groups/${group.body.id}`)).status).toBe(204);
});

it('follows the Entra ID sequence, and deprovisioning ends the user’s sessions in the tenant', async () => {
  const a = await newTenant(t);
  const s = scim(await scimToken(a));
  // The user already has an account (own tenant and a password); Entra provisions them into `a`.
  const b = await newTenant(t, 'Elsewhere');
  expect((await s.get(`/Users?filter=${encodeURIComponent(`userName eq "${b.email}"`)}`)).body.totalResults).toBe(0);
  const created = await s.post('/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: 'entra-oid-1',
    userName: b.email,
    active: true,
    displayName: 'Jane Cooper',
    emails: [{ primary: true, type: 'work', value: b.email }],
    name: { formatted: 'Jane Cooper', familyName: 'Cooper', givenName: 'Jane' },
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Engineering' },
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  expect((await s.get(`/Users?filter=${encodeURIComponent('externalId eq "entra-oid-1"')}`)).body.Resources[0].id).toBe(id);
  // Entra's PATCH: capitalised ops, and booleans as strings.
  const patched = await s.patch(`/Users/${id}`, {
    schemas: [PATCH],
    Operations: [
      { op: 'Replace', path: 'displayName', value: 'Jane C.' },
      { op: 'Add', path: 'name.givenName', value: 'Janet' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: b.email },
    ],
  });
  expect(patched.status).toBe(200);
  expect(patched.body.name.givenName).toBe('Janet');
  // Groups: Entra looks up without members, creates, then adds members with PATCH.
  expect((await s.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Viewer"')}`)).body.totalResults).toBe(0);
  const group = await s.post('/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    externalId: 'entra-grp',
    displayName: 'Viewer',
    members: [],
  });
  await s.patch(`/Groups/${group.body.id}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: id }] }] });
  expect((await memberByEmail(a, b.email)).role).toBe('viewer');
  expect((await s.get(`/Groups/${group.body.id}?excludedAttributes=members`)).body.members).toBeUndefined();
  await s.patch(`/Groups/${group.body.id}`, { schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: [{ value: id }] }] });
  expect((await memberByEmail(a, b.email)).role).toBe('member');

  // The user signs in to `a` with their password, then Entra deactivates them.
  const login = await t.http.post('/v1/auth/login').send({ email: b.email, password: b.password, tenant_id: a.tenantId });
  expect(login.status).toBe(200);
  const inA = { Authorization: `Bearer ${login.body.access_token}` };
  expect((await t.http.get('/v1/me').set(inA)).status).toBe(200);
  const off = await s.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
  expect(off.body.active).toBe(false);
  expectProblem(await t.http.get('/v1/me').set(inA), 401);
  expectProblem(await t.http.post('/v1/auth/refresh').send({ refresh_token: login.body.refresh_token }), 401);
  expectProblem(await t.http.post('/v1/auth/login').send({ email: b.email, password: b.password, tenant_id: a.tenantId }), 403, 'not_a_member');
  // Their own tenant is untouched.
  expect((await t.http.get('/v1/me').set(b.session)).status).toBe(200);
  // Reactivate, then delete.
  expect((await s.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] })).body.active).toBe(true);
  expect((await s.delete(`/Users/${id}`)).status).toBe(204);
  expect((await s.get(`/Users/${id}`)).body).toMatchObject({ status: '404' });
  expect(await memberByEmail(a, b.email)).toBeUndefined();
  expect((await t.http.get('/v1/me').set(b.session)).body.memberships).toHaveLength(1);
});

it('authenticates by SCIM token, keeps tenants apart, and answers SCIM errors', async () => {
  const a = await newTenant(t);
  const b = await newTenant(t);
  const auth = await scimToken(a);
  const s = scim(auth);
  const other = scim(await scimToken(b));
  expect((await t.http.get('/scim/v2/Users')).status).toBe(401);
  expect((await scim({ Authorization: 'Bearer scim_wrong' }).get('/Users')).body).toMatchObject({ status: '401' });
  expect((await scim(a.auth).get('/Users')).status).toBe(401); // an API key is not a SCIM token
  const created = await s.post('/Users', { schemas: [], userName: uniqueEmail('x') });
  // Another tenant's token sees nothing of it.
  expect((await other.get(`/Users/${created.body.id}`)).status).toBe(404);
  expect((await other.delete(`/Users/${created.body.id}`)).status).toBe(404);
  expect((await other.get('/Users')).body.Resources.map((r: { id: string }) => r.id)).not.toContain(created.body.id);
  // Bad input.
  expect((await s.get(`/Users?filter=${encodeURIComponent('title co "x"')}`)).body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
  expect((await s.post('/Users', { userName: 'not-an-email' })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
  expect((await s.patch(`/Users/${created.body.id}`, { Operations: [] })).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  expect((await t.http.post('/scim/v2/Users').set(auth).set('Content-Type', SCIM).send('{oops')).body).toMatchObject({
    status: '400',
    scimType: 'invalidSyntax',
  });
  // The last owner cannot be deprovisioned.
  const owner = (await s.get(`/Users?filter=${encodeURIComponent(`userName eq "${a.email}"`)}`)).body.Resources[0];
  expect((await s.patch(`/Users/${owner.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] })).body).toMatchObject({
    status: '409',
  });
  expect((await s.get('/ServiceProviderConfig')).body.patch.supported).toBe(true);
  // Revoked tokens stop working at once.
  const tokens = await t.http.get('/v1/sso/scim-tokens').set(a.auth);
  expect(tokens.body.data[0]).not.toHaveProperty('token');
  expect((await t.http.delete(`/v1/sso/scim-tokens/${tokens.body.data[0].id}`).set(a.auth)).body.deleted).toBe(true);
  expect((await s.get('/Users')).status).toBe(401);
});
