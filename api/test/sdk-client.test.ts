import type { Server } from 'node:http';
import { ConnectionError, NotFoundError, Plinth, PlinthError, RateLimitError, WebhookVerificationError, type PlinthEvent } from '@plinth/sdk';
import { Webhook } from 'svix';
import { Secret, TOTP } from 'otpauth';
import { createTestApp, ROOT_KEY, uniqueEmail, type TestApp } from './harness';
import { loadSpec } from '../src/core/spec';
import { Receiver, waitFor } from './support/receiver';
import { SamlIdp } from './support/saml-idp';

/**
 * The hand-written `Plinth` client against a live server. The first test calls every operation in
 * the contract at least once through the client and fails below 100 % coverage.
 */
type SpecOp = { method: string; pattern: RegExp; operationId: string };
const spec = loadSpec() as unknown as { paths: Record<string, Record<string, { operationId: string }>> };
const specOps: SpecOp[] = Object.entries(spec.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({
    method: method.toUpperCase(),
    pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operationId: op.operationId,
  })),
);
const called = new Set<string>();
/** Records which operation each request is (literal paths win over templated ones). */
const recordingFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const path = new URL(request.url).pathname;
  const matches = specOps.filter((o) => o.method === request.method && o.pattern.test(path));
  const op = matches.find((o) => !o.pattern.source.includes('[^/]+')) ?? matches[0];
  if (op) called.add(op.operationId);
  return fetch(request);
};

let t: TestApp;
let server: Server;
let baseUrl: string;
let receiver: Receiver;
beforeAll(async () => {
  t = await createTestApp({ worker: true, ownDatabase: 'sdkclient' });
  server = await new Promise((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  receiver = await new Receiver().start();
});
afterAll(async () => {
  await receiver.stop();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

const client = (auth: { apiKey?: string; accessToken?: string } = {}) => new Plinth({ baseUrl, fetch: recordingFetch, maxRetries: 0, ...auth });

it('calls every operation in the contract through the Plinth client', async () => {
  const anonymous = client();
  const email = uniqueEmail('cov');
  const password = 'correct horse battery staple';
  const signup = await anonymous.auth.signup({ email, password, name: 'Coverage', tenant_name: 'Coverage Inc.' });
  const user = client({ accessToken: signup.access_token });
  const login = await anonymous.auth.login({ email, password });
  if (login.object !== 'auth_tokens') throw new Error('expected tokens: this user has no second factor');
  const refreshed = await anonymous.auth.refresh({ refresh_token: login.refresh_token });
  expect((await user.auth.me()).user.email).toBe(email);
  await user.auth.requestEmailVerification();
  await anonymous.auth.confirmEmailVerification({ token: t.lastTokenFor(email) });
  const sessions = await user.sessions.list();
  await user.sessions.revoke(sessions.data.find((s) => s.id === refreshed.session_id)!.id);

  const perms = await user.permissions.list();
  const key = await user.apiKeys.create({ name: 'coverage', scopes: perms.data.map((p) => p.id) });
  const plinth = client({ apiKey: key.secret });
  await plinth.apiKeys.list();
  await plinth.apiKeys.get(key.id);
  const spare = await plinth.apiKeys.create({ name: 'spare', scopes: ['customers:read'] });
  await plinth.apiKeys.roll(spare.id, { grace_period_seconds: 60 });
  await plinth.apiKeys.revoke(spare.id);

  const root = client({ apiKey: ROOT_KEY });
  const child = await root.tenants.create({ name: 'Child' });
  await root.tenants.list({ limit: 5 });
  await root.tenants.get(child.id);
  await root.tenants.update(child.id, { name: 'Child renamed' });
  await root.tenants.suspend(child.id);
  await root.tenants.resume(child.id);

  const role = await plinth.roles.create({ key: 'support', name: 'Support', permissions: ['customers:read'] });
  await plinth.roles.list();
  await plinth.roles.get(role.id);
  await plinth.roles.update(role.id, { description: 'Reads customers' });

  const inviteeEmail = uniqueEmail('invitee');
  const invitation = await plinth.invitations.create({ email: inviteeEmail, role: 'support' });
  await plinth.invitations.list();
  await anonymous.invitations.accept({ token: invitation.token, name: 'Invitee', password });
  const other = await plinth.invitations.create({ email: uniqueEmail('other'), role: 'viewer' });
  await plinth.invitations.revoke(other.id);
  const members = await plinth.members.list();
  const invitee = members.data.find((m) => m.user.email === inviteeEmail)!;
  await plinth.members.get(invitee.id);
  await plinth.members.update(invitee.id, { role: 'viewer' });
  await plinth.members.remove(invitee.id);
  await plinth.roles.delete(role.id);

  const customer = await plinth.customers.create({ name: 'Ada' });
  await plinth.customers.list();
  await plinth.customers.get(customer.id);
  await plinth.customers.update(customer.id, { company: 'Analytical Engines' });
  await plinth.customers.delete(customer.id);

  const events = await plinth.events.list({ type: 'customer.*' });
  await plinth.events.get(events.data[0]!.id);
  await plinth.eventTypes.list();

  const endpoint = await plinth.webhookEndpoints.create({ url: `${receiver.url}/cov`, event_types: ['customer.*'] });
  await plinth.webhookEndpoints.list();
  await plinth.webhookEndpoints.get(endpoint.id);
  await plinth.webhookEndpoints.update(endpoint.id, { description: 'coverage' });
  await plinth.webhookEndpoints.rotateSecret(endpoint.id);
  const delivery = await plinth.webhookEndpoints.test(endpoint.id);
  await plinth.webhookEndpoints.listDeliveries(endpoint.id);
  await plinth.webhookDeliveries.retry(delivery.id);
  await plinth.webhookEndpoints.replay(endpoint.id, { since: new Date(Date.now() - 60_000).toISOString() });
  await expect(plinth.webhookEndpoints.portalSession()).rejects.toMatchObject({ status: 409, code: 'portal_unavailable' });
  await plinth.webhookEndpoints.delete(endpoint.id);

  await plinth.auditLogs.list({ action: 'customer.*' });
  expect((await plinth.auditLogs.verify()).intact).toBe(true);
  const exported = await plinth.auditLogs.createExport({ format: 'ndjson' });
  await waitFor(async () => (await plinth.auditLogs.getExport(exported.id)).status === 'succeeded');
  const file = await plinth.auditLogs.downloadExport(exported.id);
  expect(file.split('\n')[0]).toContain('"object":"audit_log"');

  // Two-factor authentication: enrol, log in with a challenge, turn it off.
  const enrollment = await user.mfa.startTotp();
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(enrollment.secret) });
  const { recovery_codes } = await user.mfa.confirmTotp({ code: totp.generate() });
  expect((await user.mfa.status()).totp_enabled).toBe(true);
  const challenged = await anonymous.auth.login({ email, password });
  if (challenged.object !== 'mfa_challenge') throw new Error('expected a challenge');
  await anonymous.auth.completeMfa({ challenge: challenged.challenge, code: totp.generate({ timestamp: Date.now() + 30_000 }) });
  await user.mfa.disableTotp({ code: recovery_codes[0]! });
  await user.auth.logout();
  await anonymous.auth.requestPasswordReset({ email });
  await anonymous.auth.confirmPasswordReset({ token: t.lastTokenFor(email), password: 'a brand new passphrase' });

  // SSO administration, and the start of a sign-in (a browser redirect: the client builds its URL).
  const idp = await SamlIdp.create();
  const connection = await plinth.sso.connections.create({ type: 'saml', name: 'Coverage IdP', saml: { metadata_xml: idp.metadata() } });
  expect((await plinth.sso.connections.list()).data[0]!.id).toBe(connection.id);
  await plinth.sso.connections.get(connection.id);
  await plinth.sso.connections.update(connection.id, { name: 'Renamed' });
  expect(await plinth.sso.connections.samlMetadata(connection.id)).toContain(connection.saml!.acs_url);
  await plinth.tenants.update(signup.tenant_id, { sso_redirect_uris: ['https://app.example.com/cb'] });
  const start = await recordingFetch(plinth.sso.authorizationUrl({ connection: connection.id, redirect_uri: 'https://app.example.com/cb' }), {
    redirect: 'manual',
  });
  expect(start.status).toBe(302);
  await expect(anonymous.sso.exchangeCode({ code: 'ssoc_unknown' })).rejects.toMatchObject({ status: 401, code: 'invalid_sso_code' });
  await plinth.sso.connections.delete(connection.id);
  const scimToken = await plinth.sso.scimTokens.create({ name: 'Coverage' });
  expect((await plinth.sso.scimTokens.list()).data.map((x) => x.id)).toContain(scimToken.id);
  await plinth.sso.scimTokens.revoke(scimToken.id);

  // The IdP posts to the ACS and the provider redirects to the OIDC callback: browsers call these, not SDKs.
  const browserOnly = new Set(['consumeSamlResponse', 'completeOidcSignIn']);
  const missing = specOps.map((o) => o.operationId).filter((id) => !called.has(id) && !browserOnly.has(id));
  const apiOps = specOps.length - browserOnly.size;
  console.log(
    `SDK coverage: ${apiOps - missing.length}/${apiOps} API operations called through the Plinth client (${browserOnly.size} IdP callbacks excluded)`,
  );
  expect(missing).toEqual([]);
});

it('walks every page with for await, and awaits the first page', async () => {
  const plinth = await freshTenant();
  for (let i = 0; i < 7; i++) await plinth.customers.create({ name: `Paged ${i}` });
  const first = await plinth.customers.list({ limit: 3 });
  expect(first.data).toHaveLength(3);
  expect(first.has_more).toBe(true);
  const names: string[] = [];
  for await (const c of plinth.customers.list({ limit: 3 })) names.push(c.name!);
  expect(names).toHaveLength(7);
  expect(new Set(names).size).toBe(7);
  expect(await plinth.customers.list({ limit: 2 }).toArray()).toHaveLength(7);
});

it('throws typed errors carrying the problem fields and request id', async () => {
  const plinth = await freshTenant();
  const err = await plinth.customers.get('cus_01M80T2M9XYGX7WZVKCGMDMA7P').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NotFoundError);
  expect(err).toBeInstanceOf(PlinthError);
  expect(err).toMatchObject({ kind: 'not_found', status: 404, code: 'resource_missing' });
  expect((err as PlinthError).requestId).toMatch(/^req_/);
  const invalid = await plinth.customers.create({ email: 'not-an-email' }).catch((e: PlinthError) => e);
  expect(invalid).toMatchObject({ kind: 'invalid_request', status: 422 });
  expect((invalid as PlinthError).errors[0]!.path).toContain('email');
  const unauthenticated = await new Plinth({ baseUrl, apiKey: 'sk_live_wrong' }).customers.list().catch((e: PlinthError) => e);
  expect(unauthenticated).toMatchObject({ kind: 'authentication', status: 401 });
  const down = await new Plinth({ baseUrl: 'http://127.0.0.1:9', maxRetries: 1 }).customers.list().catch((e: PlinthError) => e);
  expect(down).toBeInstanceOf(ConnectionError);
});

it('retries network errors and 503s with the same Idempotency-Key, so a POST is applied once', async () => {
  const { plinth: plinth0, apiKey } = await freshTenantWithKey();
  const keys: string[] = [];
  let attempts = 0;
  const flaky: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.method === 'POST') keys.push(request.headers.get('idempotency-key')!);
    attempts += 1;
    if (attempts === 1) throw new TypeError('fetch failed: socket hang up');
    const response = await fetch(request);
    // The server applied the request, but the answer is lost: the client sees a 503 and retries.
    if (attempts === 2) return new Response('{"status":503,"code":"unavailable"}', { status: 503, headers: { 'retry-after': '0' } });
    return response;
  };
  const plinth = new Plinth({ baseUrl, apiKey: apiKey, fetch: flaky, maxRetries: 3 });
  const created = await plinth.customers.create({ name: 'Exactly once' });
  expect(attempts).toBe(3);
  expect(new Set(keys).size).toBe(1);
  const all = await plinth0.customers.list({ limit: 100 });
  expect(all.data.filter((c) => c.name === 'Exactly once').map((c) => c.id)).toEqual([created.id]);

  let limited = 0;
  const rateLimited: typeof fetch = async (input, init) => {
    limited += 1;
    if (limited <= 2)
      return new Response('{"status":429,"code":"rate_limited"}', { status: 429, headers: { 'retry-after': '0', 'content-type': 'application/problem+json' } });
    return fetch(new Request(input, init));
  };
  const patient = new Plinth({ baseUrl, apiKey: apiKey, fetch: rateLimited, maxRetries: 2 });
  await patient.customers.list();
  expect(limited).toBe(3);
  limited = 0;
  const impatient = new Plinth({ baseUrl, apiKey: apiKey, fetch: rateLimited, maxRetries: 0 });
  await expect(impatient.customers.list()).rejects.toBeInstanceOf(RateLimitError);
});

it('verifies webhooks with Plinth.webhooks.verify, and refuses forged or stale ones', async () => {
  const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
  const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1' } } });
  const signer = new Webhook(secret);
  const now = new Date();
  const headers = {
    'webhook-id': 'evt_1',
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signer.sign('evt_1', now, payload),
  };
  const event: PlinthEvent = await Plinth.webhooks.verify(payload, headers, secret);
  expect(event.type).toBe('customer.created');
  await expect(Plinth.webhooks.verify(payload.replace('cus_1', 'cus_2'), headers, secret)).rejects.toBeInstanceOf(WebhookVerificationError);
  const old = new Date(now.getTime() - 3600_000);
  const stale = { ...headers, 'webhook-timestamp': String(Math.floor(old.getTime() / 1000)), 'webhook-signature': signer.sign('evt_1', old, payload) };
  await expect(Plinth.webhooks.verify(payload, stale, secret)).rejects.toThrow(/too old/);
  await expect(Plinth.webhooks.verify(payload, new Headers(headers), secret)).resolves.toMatchObject({ id: 'evt_1' });
});

async function freshTenant(): Promise<Plinth> {
  return (await freshTenantWithKey()).plinth;
}

async function freshTenantWithKey(): Promise<{ plinth: Plinth; apiKey: string }> {
  const anonymous = new Plinth({ baseUrl });
  const signup = await anonymous.auth.signup({ email: uniqueEmail('sdk'), password: 'correct horse battery staple', name: 'SDK', tenant_name: 'SDK' });
  const user = new Plinth({ baseUrl, accessToken: signup.access_token });
  const key = await user.apiKeys.create({ name: 'sdk', scopes: ['customers:read', 'customers:write'] });
  return { plinth: new Plinth({ baseUrl, apiKey: key.secret }), apiKey: key.secret };
}
