import { createTestApp, expectProblem, keyWithScopes, newTenant, uniqueEmail, type TestApp } from './harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('auth', () => {
  it('signs up, logs in, reads /v1/me and lists sessions', async () => {
    const a = await newTenant(t);
    const login = await t.http.post('/v1/auth/login').send({ email: a.email.toUpperCase(), password: a.password });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ object: 'auth_tokens', token_type: 'Bearer', tenant_id: a.tenantId, expires_in: 900 });
    const me = await t.http.get('/v1/me').set({ Authorization: `Bearer ${login.body.access_token}` });
    expect(me.body).toMatchObject({ object: 'me', tenant_id: a.tenantId, user: { email: a.email }, memberships: [{ tenant_id: a.tenantId, role: 'owner' }] });
    const sessions = await t.http.get('/v1/sessions').set(a.session);
    expect(sessions.body.data).toHaveLength(2);
    expect(sessions.body.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  });

  it('refuses a duplicate email (409), a short password (422) and a wrong password (401)', async () => {
    const a = await newTenant(t);
    expectProblem(
      await t.http.post('/v1/auth/signup').send({ email: a.email, password: 'correct horse battery', name: 'X', tenant_name: 'X' }),
      409,
      'email_taken',
    );
    expectProblem(
      await t.http.post('/v1/auth/signup').send({ email: uniqueEmail(), password: 'short', name: 'X', tenant_name: 'X' }),
      422,
      'validation_failed',
    );
    expectProblem(await t.http.post('/v1/auth/login').send({ email: a.email, password: 'wrong password' }), 401, 'invalid_credentials');
  });

  it('locks out an address and account after 5 failed logins, even for the right password', async () => {
    const a = await newTenant(t);
    for (let i = 0; i < 5; i++) expectProblem(await t.http.post('/v1/auth/login').send({ email: a.email, password: 'wrong password' }), 401);
    const locked = await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password });
    expectProblem(locked, 429, 'rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(59);
  });

  it('rotates refresh tokens and revokes the session when a used one is replayed', async () => {
    const a = await newTenant(t);
    const r1 = await t.http.post('/v1/auth/refresh').send({ refresh_token: a.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(a.refreshToken);
    expectProblem(await t.http.post('/v1/auth/refresh').send({ refresh_token: a.refreshToken }), 401, 'refresh_token_reused');
    // The whole family is gone: the fresh token and its access token no longer work.
    expectProblem(await t.http.post('/v1/auth/refresh').send({ refresh_token: r1.body.refresh_token }), 401, 'invalid_refresh_token');
    expectProblem(await t.http.get('/v1/me').set({ Authorization: `Bearer ${r1.body.access_token}` }), 401, 'session_revoked');
  });

  it('logs out and revokes sessions, but only the user’s own', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const other = await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password });
    const theirs = (await t.http.get('/v1/me').set(b.session)).body.session_id;
    expectProblem(await t.http.delete(`/v1/sessions/${theirs}`).set(a.session), 404);
    expect((await t.http.delete(`/v1/sessions/${other.body.session_id}`).set(a.session)).body.deleted).toBe(true);
    expectProblem(await t.http.get('/v1/me').set({ Authorization: `Bearer ${other.body.access_token}` }), 401, 'session_revoked');
    expect((await t.http.post('/v1/auth/logout').set(a.session)).status).toBe(204);
    expectProblem(await t.http.get('/v1/me').set(a.session), 401, 'session_revoked');
  });

  it('verifies an email with a single-use token', async () => {
    const a = await newTenant(t);
    const token = t.lastTokenFor(a.email);
    const verified = await t.http.post('/v1/auth/email-verification/confirm').send({ token });
    expect(verified.body).toMatchObject({ object: 'user', email_verified: true });
    expectProblem(await t.http.post('/v1/auth/email-verification/confirm').send({ token }), 422, 'invalid_token');
    expectProblem(await t.http.post('/v1/auth/email-verification').set(a.session), 409, 'email_already_verified');
  });

  it('resets a password with a single-use token and signs out every session', async () => {
    const a = await newTenant(t);
    const unknown = await t.http.post('/v1/auth/password-reset').send({ email: uniqueEmail('ghost') });
    const known = await t.http.post('/v1/auth/password-reset').send({ email: a.email });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    const token = t.lastTokenFor(a.email);
    expect(token).toMatch(/^pr_/);
    expect((await t.http.post('/v1/auth/password-reset/confirm').send({ token, password: 'a brand new passphrase' })).status).toBe(204);
    expectProblem(await t.http.get('/v1/me').set(a.session), 401, 'session_revoked');
    expectProblem(await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password }), 401);
    expect((await t.http.post('/v1/auth/login').send({ email: a.email, password: 'a brand new passphrase' })).status).toBe(200);
    expectProblem(await t.http.post('/v1/auth/password-reset/confirm').send({ token, password: 'another new passphrase' }), 422, 'invalid_token');
  });
});

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
});

describe('roles, members and invitations', () => {
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

  it('revokes an invitation so it can no longer be accepted', async () => {
    const a = await newTenant(t);
    const inv = await t.http
      .post('/v1/invitations')
      .set(a.auth)
      .send({ email: uniqueEmail('rev'), role: 'member' });
    expect((await t.http.delete(`/v1/invitations/${inv.body.id}`).set(a.auth)).body.status).toBe('revoked');
    expectProblem(await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'X', password: 'some password here' }), 404);
  });
});

describe('remaining happy paths', () => {
  it('updates a tenant, reads roles, members, keys and invitations, removes a member and resends verification', async () => {
    const a = await newTenant(t);
    const renamed = await t.http
      .patch(`/v1/tenants/${a.tenantId}`)
      .set(a.auth)
      .send({ name: 'Renamed', metadata: { plan: 'pro' } });
    expect(renamed.body).toMatchObject({ name: 'Renamed', metadata: { plan: 'pro' } });
    expect((await t.http.get('/v1/roles/role_viewer').set(a.auth)).body).toMatchObject({ key: 'viewer', system: true });
    const keys = await t.http.get('/v1/api-keys').set(a.auth);
    expect(keys.body.data.length).toBeGreaterThanOrEqual(1);
    const email = uniqueEmail('happy');
    const inv = await t.http.post('/v1/invitations').set(a.auth).send({ email, role: 'viewer' });
    expect((await t.http.get('/v1/invitations').set(a.auth)).body.data.map((i: { id: string }) => i.id)).toContain(inv.body.id);
    const joined = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name: 'Happy', password: 'happy path password' });
    const member = (await t.http.get('/v1/members').set(a.auth)).body.data.find((m: { user: { email: string } }) => m.user.email === email);
    expect((await t.http.get(`/v1/members/${member.id}`).set(a.auth)).body).toMatchObject({ object: 'member', role: 'viewer' });
    expect((await t.http.delete(`/v1/members/${member.id}`).set(a.auth)).body.deleted).toBe(true);
    expectProblem(await t.http.get('/v1/customers').set({ Authorization: `Bearer ${joined.body.access_token}` }), 401, 'membership_removed');
    const before = t.outbox.length;
    expect((await t.http.post('/v1/auth/email-verification').set(a.session)).status).toBe(202);
    expect(t.outbox.length).toBe(before + 1);
  });
});
