import { setTimeout as sleep } from 'node:timers/promises';
import { createTestApp, expectProblem, newTenant, TEST_PUBLIC_URL, type TestApp, type TestTenant } from '../../../test/harness';
import { followUntil, startOidcIdp, type OidcIdp } from '../../../test/support/oidc-idp';

/**
 * OpenID Connect sign-in against oidc-provider running locally: the whole headless flow, and the
 * refusals (wrong state, wrong nonce, expired code, ID token from another issuer), each a problem and
 * an `sso.login.failed` event.
 */
const CALLBACK = `${TEST_PUBLIC_URL}/v1/sso/oidc/callback`;
const REDIRECT = 'https://app.example.com/sso/callback';
let t: TestApp;
let idp: OidcIdp;
beforeAll(async () => {
  t = await createTestApp();
  idp = await startOidcIdp(CALLBACK, ['Admins']);
});
afterAll(async () => {
  await idp.close();
  await t.close();
});

async function setup(o: { clientId?: string; issuer?: string } = {}): Promise<{ a: TestTenant; connId: string; domain: string }> {
  const a = await newTenant(t);
  const domain = `olive-${Date.now()}-${Math.floor(Math.random() * 1e6)}.example.com`;
  await t.http
    .patch(`/v1/tenants/${a.tenantId}`)
    .set(a.auth)
    .send({ sso_redirect_uris: [REDIRECT] });
  const clientId = o.clientId ?? 'plinth';
  const res = await t.http
    .post('/v1/sso/connections')
    .set(a.auth)
    .send({
      type: 'oidc',
      name: 'Olive OIDC',
      domains: [domain],
      oidc: { issuer: o.issuer ?? idp.issuer, client_id: clientId, client_secret: `${clientId}-secret`, scopes: ['openid', 'email', 'profile', 'groups'] },
      group_roles: [{ group: 'Admins', role: 'admin' }],
    });
  expect(res.status).toBe(201);
  expect(res.body.oidc).toMatchObject({ redirect_uri: CALLBACK, client_secret_set: true });
  expect(JSON.stringify(res.body)).not.toContain(`${clientId}-secret`);
  return { a, connId: res.body.id, domain };
}

/** authorize -> provider (sign-in and consent) -> the callback URL the provider sends the browser to. */
async function toCallback(connId: string, email: string, rewrite?: (url: URL) => URL): Promise<URL> {
  const res = await t.http.get('/v1/sso/authorize').query({ connection: connId, redirect_uri: REDIRECT, state: 'client-state' });
  expect(res.status).toBe(302);
  // The connection is chosen by id; the provider signs in the login_hint, so pass it along.
  return followUntil(res.headers.location!, CALLBACK, (u) => {
    u.searchParams.set('login_hint', email);
    return rewrite ? rewrite(u) : u;
  });
}

const callback = (url: URL) => t.http.get(url.pathname + url.search);

async function failures(a: TestTenant): Promise<string[]> {
  const res = await t.http.get('/v1/events').query({ type: 'sso.login.failed', limit: 100 }).set(a.auth);
  return res.body.data.map((e: { data: { object: { reason: string } } }) => e.data.object.reason);
}

it('signs in end to end: authorize -> provider -> callback -> redirect with code -> token -> /v1/me', async () => {
  const { a, connId, domain } = await setup();
  const email = `olive@${domain}`;
  const cb = await toCallback(connId, email);
  expect(cb.searchParams.get('code')).toBeTruthy();
  const res = await callback(cb);
  expect({ status: res.status, body: res.body }).toEqual({ status: 302, body: {} });
  const back = new URL(res.headers.location!);
  expect(back.origin + back.pathname).toBe(REDIRECT);
  expect(back.searchParams.get('state')).toBe('client-state');
  const tokens = await t.http.post('/v1/sso/token').send({ code: back.searchParams.get('code') });
  expect(tokens.status).toBe(200);
  const me = await t.http.get('/v1/me').set({ Authorization: `Bearer ${tokens.body.access_token}` });
  expect(me.body.user).toMatchObject({ email, name: 'Olive Doe' });
  expect(me.body.memberships).toEqual([expect.objectContaining({ tenant_id: a.tenantId, role: 'admin' })]);
  // An SSO session stays in its tenant.
  expectProblem(
    await t.http.post('/v1/auth/refresh').send({ refresh_token: tokens.body.refresh_token, tenant_id: 'ten_01JDA4Y7Q5X3M8N2P6R9T0V1W2' }),
    403,
    'sso_session_tenant_locked',
  );
  const events = await t.http.get('/v1/events').query({ type: 'sso.login.succeeded' }).set(a.auth);
  expect(events.body.data[0].data.object).toMatchObject({ connection_type: 'oidc', outcome: 'succeeded', email, provisioned: true });
});

it('refuses a callback whose state is not the pending sign-in', async () => {
  const { a, connId, domain } = await setup();
  const cb = await toCallback(connId, `olive@${domain}`);
  cb.searchParams.set('state', `${connId}.forged-state`);
  expectProblem(await callback(cb), 401, 'oidc_invalid_state');
  expect(await failures(a)).toContain('oidc_invalid_state');
  cb.searchParams.set('state', 'nothing-plinth-issued');
  expectProblem(await callback(cb), 400, 'oidc_invalid_state');
});

it('refuses an ID token carrying another nonce', async () => {
  const { a, connId, domain } = await setup();
  const cb = await toCallback(connId, `olive@${domain}`, (u) => {
    u.searchParams.set('nonce', 'a-nonce-from-another-sign-in');
    return u;
  });
  expectProblem(await callback(cb), 401, 'oidc_invalid_nonce');
  expect(await failures(a)).toContain('oidc_invalid_nonce');
});

it('refuses an expired authorization code', async () => {
  const { a, connId, domain } = await setup({ clientId: 'plinth-slow' });
  const cb = await toCallback(connId, `olive@${domain}`);
  await sleep(2500);
  expectProblem(await callback(cb), 401, 'oidc_invalid_code');
  expect(await failures(a)).toContain('oidc_invalid_code');
});

it('refuses an ID token from another issuer', async () => {
  const { a, connId, domain } = await setup({ issuer: idp.impostorIssuer });
  const cb = await toCallback(connId, `olive@${domain}`);
  expectProblem(await callback(cb), 401, 'oidc_wrong_issuer');
  expect(await failures(a)).toContain('oidc_wrong_issuer');
});

it('checks the issuer when the connection is saved', async () => {
  const a = await newTenant(t);
  expectProblem(
    await t.http
      .post('/v1/sso/connections')
      .set(a.auth)
      .send({ type: 'oidc', name: 'x', oidc: { issuer: 'http://127.0.0.1:9/nothing', client_id: 'c', client_secret: 's' } }),
    422,
    'oidc_discovery_failed',
  );
  expectProblem(
    await t.http
      .post('/v1/sso/connections')
      .set(a.auth)
      .send({ type: 'oidc', name: 'x', oidc: { issuer: idp.issuer } }),
    422,
    'validation_failed',
  );
});
