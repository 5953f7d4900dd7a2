import { createTestApp, expectProblem, newTenant, uniqueEmail, type TestApp } from '../../../test/harness';

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

  it('resends the verification email', async () => {
    const a = await newTenant(t);
    const before = t.outbox.length;
    expect((await t.http.post('/v1/auth/email-verification').set(a.session)).status).toBe(202);
    expect(t.outbox.length).toBe(before + 1);
  });
});
