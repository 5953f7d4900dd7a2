import { Secret, TOTP } from 'otpauth';
import { createTestApp, expectProblem, newTenant, type TestApp, type TestTenant } from '../../../test/harness';

/** Two-factor authentication: TOTP enrolment, the two-step login, recovery codes, replay and brute-force limits. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const totpFor = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
/** A code for the next time step: the current one may already have been used by the enrolment. */
const nextCode = (secret: string) => totpFor(secret).generate({ timestamp: Date.now() + 30_000 });

async function enrol(a: TestTenant): Promise<{ secret: string; recovery: string[] }> {
  const start = await t.http.post('/v1/me/mfa/totp').set(a.session);
  expect(start.status).toBe(200);
  expect(start.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/Plinth:.*secret=/);
  const confirm = await t.http
    .post('/v1/me/mfa/totp/confirm')
    .set(a.session)
    .send({ code: totpFor(start.body.secret).generate() });
  expect(confirm.status).toBe(200);
  expect(confirm.body.recovery_codes).toHaveLength(10);
  return { secret: start.body.secret, recovery: confirm.body.recovery_codes };
}

it('enrols with a confirmed code and answers 10 recovery codes once', async () => {
  const a = await newTenant(t);
  expect((await t.http.get('/v1/me/mfa').set(a.session)).body).toMatchObject({ totp_enabled: false, recovery_codes_remaining: 0 });
  const start = await t.http.post('/v1/me/mfa/totp').set(a.session);
  expectProblem(await t.http.post('/v1/me/mfa/totp/confirm').set(a.session).send({ code: '000000' }), 422, 'invalid_mfa_code');
  await t.http
    .post('/v1/me/mfa/totp/confirm')
    .set(a.session)
    .send({ code: totpFor(start.body.secret).generate() });
  expect((await t.http.get('/v1/me/mfa').set(a.session)).body).toMatchObject({ totp_enabled: true, recovery_codes_remaining: 10 });
  expectProblem(await t.http.post('/v1/me/mfa/totp').set(a.session), 409, 'mfa_already_enabled');
  expect((await t.http.get('/v1/me').set(a.session)).body.user.mfa_enabled).toBe(true);
  const events = await t.http.get('/v1/events?type=mfa.enrolled').set(a.auth);
  expect(events.body.data[0].data.object).toMatchObject({ id: a.userId, mfa_enabled: true });
  // An API key has no user: the second factor is a session matter.
  expect((await t.http.get('/v1/me/mfa').set(a.auth)).status).toBe(401);
});

it('turns a password login into a challenge that a code completes, once', async () => {
  const a = await newTenant(t);
  const { secret } = await enrol(a);
  const login = await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password });
  expect(login.status).toBe(200);
  expect(login.body).toMatchObject({ object: 'mfa_challenge', factors: ['totp'] });
  expect(login.body.access_token).toBeUndefined();
  const code = nextCode(secret);
  const done = await t.http.post('/v1/auth/mfa').send({ challenge: login.body.challenge, code });
  expect(done.status).toBe(200);
  expect(done.body.object).toBe('auth_tokens');
  expect((await t.http.get('/v1/me').set({ Authorization: `Bearer ${done.body.access_token}` })).status).toBe(200);
  // The challenge is used up, and the same code is never accepted twice.
  expectProblem(await t.http.post('/v1/auth/mfa').send({ challenge: login.body.challenge, code }), 401, 'invalid_mfa_challenge');
  const again = await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password });
  expectProblem(await t.http.post('/v1/auth/mfa').send({ challenge: again.body.challenge, code }), 422, 'invalid_mfa_code');
});

it('accepts each recovery code once, and ends a challenge after five wrong codes', async () => {
  const a = await newTenant(t);
  const { secret, recovery } = await enrol(a);
  const first = await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password });
  const viaRecovery = await t.http.post('/v1/auth/mfa').send({ challenge: first.body.challenge, code: recovery[0]!.toUpperCase() });
  expect(viaRecovery.body.object).toBe('auth_tokens');
  const second = await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password });
  expectProblem(await t.http.post('/v1/auth/mfa').send({ challenge: second.body.challenge, code: recovery[0] }), 422, 'invalid_mfa_code');
  for (let i = 0; i < 4; i++) await t.http.post('/v1/auth/mfa').send({ challenge: second.body.challenge, code: '000000' });
  expectProblem(await t.http.post('/v1/auth/mfa').send({ challenge: second.body.challenge, code: nextCode(secret) }), 401, 'invalid_mfa_challenge');
  expect((await t.http.get('/v1/me/mfa').set(a.session)).body.recovery_codes_remaining).toBe(9);
});

it('turns off only with a fresh code, and logs in with the password alone afterwards', async () => {
  const a = await newTenant(t);
  const { secret } = await enrol(a);
  expectProblem(await t.http.delete('/v1/me/mfa/totp').set(a.session).send({ code: '000000' }), 422, 'invalid_mfa_code');
  const off = await t.http
    .delete('/v1/me/mfa/totp')
    .set(a.session)
    .send({ code: nextCode(secret) });
  expect(off.body).toMatchObject({ object: 'mfa_status', totp_enabled: false, recovery_codes_remaining: 0 });
  expectProblem(await t.http.delete('/v1/me/mfa/totp').set(a.session).send({ code: '123456' }), 409, 'mfa_not_enabled');
  const login = await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password });
  expect(login.body.object).toBe('auth_tokens');
  const audit = await t.http.get('/v1/audit-logs?action=mfa.*').set(a.auth);
  expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['mfa.disabled', 'mfa.enrolled']);
});

it('lets a tenant require 2FA: sessions of members without it reach only self-service until they enrol', async () => {
  const a = await newTenant(t);
  const required = await t.http.patch(`/v1/tenants/${a.tenantId}`).set(a.auth).send({ mfa_required: true });
  expect(required.body.mfa_required).toBe(true);
  expectProblem(await t.http.get('/v1/customers').set(a.session), 403, 'mfa_enrollment_required');
  expect((await t.http.get('/v1/me').set(a.session)).status).toBe(200);
  expect((await t.http.get('/v1/customers').set(a.auth)).status).toBe(200); // API keys are machine credentials
  await enrol(a);
  expect((await t.http.get('/v1/customers').set(a.session)).status).toBe(200);
});
