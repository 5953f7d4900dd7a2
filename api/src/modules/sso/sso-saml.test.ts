import { inflateRawSync } from 'node:zlib';
import { createTestApp, expectProblem, newTenant, type TestApp, type TestTenant } from '../../../test/harness';
import { SamlIdp, b64 } from '../../../test/support/saml-idp';

/**
 * SAML single sign-on end to end against a local IdP that signs with its own key, and the attack
 * corpus: each forged, bent or replayed response is refused with its own problem code and recorded
 * as an `sso.login.failed` event.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const REDIRECT = 'https://app.example.com/sso/callback';

interface Setup {
  a: TestTenant;
  idp: SamlIdp;
  conn: { id: string; saml: { acs_url: string; sp_entity_id: string } };
  domain: string;
}

async function setup(o: { allowIdpInitiated?: boolean } = {}): Promise<Setup> {
  const a = await newTenant(t);
  const idp = await SamlIdp.create();
  const domain = `acme-${Date.now()}-${Math.floor(Math.random() * 1e6)}.example.com`;
  expect(
    (
      await t.http
        .patch(`/v1/tenants/${a.tenantId}`)
        .set(a.auth)
        .send({ sso_redirect_uris: [REDIRECT] })
    ).status,
  ).toBe(200);
  const res = await t.http
    .post('/v1/sso/connections')
    .set(a.auth)
    .send({
      type: 'saml',
      name: 'Acme IdP',
      domains: [domain],
      saml: { metadata_xml: idp.metadata(), allow_idp_initiated: o.allowIdpInitiated ?? false },
      group_roles: [{ group: 'Engineering', role: 'developer' }],
    });
  expect(res.status).toBe(201);
  return { a, idp, conn: res.body, domain };
}

/** GET /v1/sso/authorize as a browser would: returns the AuthnRequest's ID from the redirect. */
async function start(s: Setup, extra: Record<string, string> = {}): Promise<string> {
  const res = await t.http.get('/v1/sso/authorize').query({ connection: s.conn.id, redirect_uri: REDIRECT, state: 'st-123', ...extra });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.location!);
  expect(location.origin + location.pathname).toBe(s.idp.ssoUrl);
  const request = inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
  expect(request).toContain(`AssertionConsumerServiceURL="${s.conn.saml.acs_url}"`);
  return /ID="([^"]+)"/.exec(request)![1]!;
}

function post(s: Setup, xml: string, relayState?: string) {
  const acsPath = new URL(s.conn.saml.acs_url).pathname;
  return t.http
    .post(acsPath)
    .type('form')
    .send({ SAMLResponse: b64(xml), ...(relayState ? { RelayState: relayState } : {}) });
}

function good(s: Setup, requestId: string | undefined, email: string, extra: Partial<Parameters<SamlIdp['responseXml']>[0]> = {}) {
  return s.idp.sign(
    s.idp.responseXml({ acsUrl: s.conn.saml.acs_url, audience: s.conn.saml.sp_entity_id, inResponseTo: requestId, email, groups: ['Engineering'], ...extra }),
  );
}

async function failures(s: Setup): Promise<string[]> {
  const res = await t.http.get('/v1/events').query({ type: 'sso.login.failed', limit: 100 }).set(s.a.auth);
  return res.body.data.map((e: { data: { object: { reason: string } } }) => e.data.object.reason);
}

it('signs in end to end: authorize -> IdP -> ACS -> redirect with code -> token -> /v1/me', async () => {
  const s = await setup();
  const requestId = await start(s);
  const email = `jane@${s.domain}`;
  const acs = await post(s, good(s, requestId, email, { name: 'Jane Doe' }));
  expect(acs.status).toBe(302);
  const back = new URL(acs.headers.location!);
  expect(back.origin + back.pathname).toBe(REDIRECT);
  expect(back.searchParams.get('state')).toBe('st-123');
  const code = back.searchParams.get('code')!;
  const tokens = await t.http.post('/v1/sso/token').send({ code });
  expect(tokens.status).toBe(200);
  expect(tokens.body).toMatchObject({ object: 'auth_tokens', tenant_id: s.a.tenantId, user: { email, name: 'Jane Doe', email_verified: true } });
  const me = await t.http.get('/v1/me').set({ Authorization: `Bearer ${tokens.body.access_token}` });
  expect(me.status).toBe(200);
  expect(me.body.memberships).toEqual([expect.objectContaining({ tenant_id: s.a.tenantId, role: 'developer' })]);
  // The code is single-use.
  expectProblem(await t.http.post('/v1/sso/token').send({ code }), 401, 'invalid_sso_code');
  const events = await t.http.get('/v1/events').query({ limit: 20 }).set(s.a.auth);
  const types = events.body.data.map((e: { type: string }) => e.type);
  expect(types).toEqual(expect.arrayContaining(['sso.login.succeeded', 'member.provisioned', 'user.created', 'sso_connection.created']));
  const audit = await t.http.get('/v1/audit-logs').query({ action: 'sso.login.succeeded' }).set(s.a.auth);
  expect(audit.body.data[0]).toMatchObject({ action: 'sso.login.succeeded', actor: { type: 'user', id: tokens.body.user.id } });

  // A later sign-in updates the name and the role from the IdP; the membership is not created again.
  const again = await post(s, good(s, await start(s), email, { name: 'Jane Smith', groups: ['Sales'] }));
  expect(again.status).toBe(302);
  const second = await t.http.post('/v1/sso/token').send({ code: new URL(again.headers.location!).searchParams.get('code') });
  expect(second.body.user).toMatchObject({ id: tokens.body.user.id, name: 'Jane Smith' });
  const members = await t.http.get('/v1/members').set(s.a.auth);
  expect(members.body.data.find((m: { user: { email: string } }) => m.user.email === email)).toMatchObject({ role: 'member', status: 'active' });
});

it('discovers the connection from the email domain and honours PKCE', async () => {
  const s = await setup();
  const verifier = 'v'.repeat(50);
  const challenge = (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
  const res = await t.http
    .get('/v1/sso/authorize')
    .query({ email: `sam@${s.domain}`, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256' });
  expect(res.status).toBe(302);
  const request = inflateRawSync(Buffer.from(new URL(res.headers.location!).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
  const acs = await post(s, good(s, /ID="([^"]+)"/.exec(request)![1], `sam@${s.domain}`));
  const code = new URL(acs.headers.location!).searchParams.get('code')!;
  expectProblem(await t.http.post('/v1/sso/token').send({ code, code_verifier: 'w'.repeat(50) }), 401, 'invalid_code_verifier');
  // A failed verifier burns the code, as in OAuth.
  expectProblem(await t.http.post('/v1/sso/token').send({ code, code_verifier: verifier }), 401, 'invalid_sso_code');
});

it('refuses authorize requests it cannot serve, with problems', async () => {
  const s = await setup();
  expectProblem(
    await t.http.get('/v1/sso/authorize').query({ connection: s.conn.id, redirect_uri: 'https://evil.example.net/cb' }),
    422,
    'redirect_uri_not_allowed',
  );
  expectProblem(await t.http.get('/v1/sso/authorize').query({ redirect_uri: REDIRECT }), 422, 'invalid_sso_selector');
  expectProblem(
    await t.http.get('/v1/sso/authorize').query({ email: 'x@unknown-domain.example.org', redirect_uri: REDIRECT }),
    404,
    'sso_connection_not_found',
  );
  expectProblem(
    await t.http.get('/v1/sso/authorize').query({ connection: 'conn_01JDA4Y7Q5X3M8N2P6R9T0V1W2', redirect_uri: REDIRECT }),
    404,
    'sso_connection_not_found',
  );
  expectProblem(
    await t.http.get('/v1/sso/authorize').query({ connection: s.conn.id, redirect_uri: REDIRECT, code_challenge: 'short' }),
    422,
    'invalid_code_challenge',
  );
  expect((await t.http.patch(`/v1/sso/connections/${s.conn.id}`).set(s.a.auth).send({ status: 'inactive' })).status).toBe(200);
  expectProblem(await t.http.get('/v1/sso/authorize').query({ connection: s.conn.id, redirect_uri: REDIRECT }), 403, 'sso_connection_inactive');
  // The ACS takes a form; anything else is a 415.
  expectProblem(await t.http.post(new URL(s.conn.saml.acs_url).pathname).set('Content-Type', 'text/plain').send('x'), 415);
});

describe('the SAML attack corpus', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });

  const cases: [string, string, (requestId: string) => Promise<string> | string][] = [
    [
      'unsigned',
      'saml_invalid_signature',
      (id) => s.idp.responseXml({ acsUrl: s.conn.saml.acs_url, audience: s.conn.saml.sp_entity_id, inResponseTo: id, email: `u@${s.domain}` }),
    ],
    [
      'assertion signed, response unsigned',
      'saml_invalid_signature',
      (id) =>
        s.idp.sign(s.idp.responseXml({ acsUrl: s.conn.saml.acs_url, audience: s.conn.saml.sp_entity_id, inResponseTo: id, email: `u@${s.domain}` }), {
          response: false,
        }),
    ],
    [
      'signed by another key',
      'saml_invalid_signature',
      async (id) => {
        const mallory = await SamlIdp.create(s.idp.entityId);
        return mallory.sign(mallory.responseXml({ acsUrl: s.conn.saml.acs_url, audience: s.conn.saml.sp_entity_id, inResponseTo: id, email: `u@${s.domain}` }));
      },
    ],
    ['wrapping: injected assertion before the signed one', 'saml_invalid_signature', (id) => wrap(id, 'before')],
    ['wrapping: injected assertion after the signed one', 'saml_invalid_signature', (id) => wrap(id, 'after')],
    ['wrapping: signed response nested in a forged one', 'saml_invalid_signature', (id) => wrap(id, 'nested-response')],
    ['wrapping: signed assertion hidden inside a forged one with its ID', 'saml_invalid_signature', (id) => wrap(id, 'same-id')],
    ['wrong audience', 'saml_wrong_audience', (id) => good(s, id, `u@${s.domain}`, { audience: 'https://other-sp.example.com' })],
    ['wrong recipient', 'saml_wrong_recipient', (id) => good(s, id, `u@${s.domain}`, { recipient: 'https://other-sp.example.com/acs' })],
    ['wrong destination', 'saml_wrong_recipient', (id) => good(s, id, `u@${s.domain}`, { destination: 'https://other-sp.example.com/acs' })],
    ['wrong issuer', 'saml_wrong_issuer', (id) => good(s, id, `u@${s.domain}`, { issuer: 'https://someone-else.example.com' })],
    [
      'expired',
      'saml_expired',
      (id) => good(s, id, `u@${s.domain}`, { notBefore: new Date(Date.now() - 3_600_000), notOnOrAfter: new Date(Date.now() - 600_000) }),
    ],
    [
      'not yet valid',
      'saml_not_yet_valid',
      (id) => good(s, id, `u@${s.domain}`, { notBefore: new Date(Date.now() + 600_000), notOnOrAfter: new Date(Date.now() + 1_200_000) }),
    ],
    ['unknown InResponseTo', 'saml_unknown_request', () => good(s, '_never-issued-by-plinth', `u@${s.domain}`)],
    ['IdP-initiated while the connection does not allow it', 'saml_idp_initiated_not_allowed', () => good(s, undefined, `u@${s.domain}`)],
  ];

  /** Forgeries built from a validly signed response, as an attacker without the key would. */
  async function wrap(id: string, how: 'before' | 'after' | 'nested-response' | 'same-id'): Promise<string> {
    const signed = good(s, id, `jane@${s.domain}`);
    const forged = s.idp.responseXml({
      acsUrl: s.conn.saml.acs_url,
      audience: s.conn.saml.sp_entity_id,
      inResponseTo: id,
      email: `mallory@${s.domain}`,
      groups: ['Engineering'],
    });
    const evilAssertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(forged)![0];
    const signedAssertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signed)![0];
    switch (how) {
      case 'before':
        return signed.replace('<saml:Assertion', `${evilAssertion}<saml:Assertion`);
      case 'after':
        return signed.replace('</samlp:Response>', `${evilAssertion}</samlp:Response>`);
      case 'nested-response':
        return forged.replace('<samlp:Status>', `<samlp:Extensions>${signed}</samlp:Extensions><samlp:Status>`);
      case 'same-id': {
        const signedId = /<saml:Assertion ID="([^"]+)"/.exec(signedAssertion)![1];
        const evil = evilAssertion
          .replace(/ID="[^"]+"/, `ID="${signedId}"`)
          .replace('</saml:Assertion>', `<saml:Advice>${signedAssertion}</saml:Advice></saml:Assertion>`);
        return signed.replace(signedAssertion, evil);
      }
    }
  }

  it.each(cases)('refuses %s', async (_name, code, build) => {
    const requestId = await start(s);
    const res = await post(s, await build(requestId));
    expectProblem(res, 401, code);
    expect(await failures(s)).toContain(code);
  });

  it('accepts the valid response once and refuses its replay', async () => {
    const xml = good(s, await start(s), `replay@${s.domain}`);
    expect((await post(s, xml)).status).toBe(302);
    expectProblem(await post(s, xml), 401, 'saml_replayed');
    expect(await failures(s)).toContain('saml_replayed');
    // Nobody was signed in as mallory by any of the forgeries.
    const members = await t.http.get('/v1/members').set(s.a.auth);
    expect(members.body.data.map((m: { user: { email: string } }) => m.user.email)).not.toContain(`mallory@${s.domain}`);
  });
});

it('accepts IdP-initiated sign-in when the connection allows it, and still refuses its replay', async () => {
  const s = await setup({ allowIdpInitiated: true });
  const xml = good(s, undefined, `idp@${s.domain}`);
  const res = await post(s, xml, REDIRECT);
  expect(res.status).toBe(302);
  expect(res.headers.location).toMatch(/^https:\/\/app\.example\.com\/sso\/callback\?code=ssoc_/);
  expectProblem(await post(s, xml, REDIRECT), 401, 'saml_replayed');
});

it('keeps identities apart: no sign-in as an outsider, no domain outside the connection, no deactivated member', async () => {
  const s = await setup();
  // An account that exists elsewhere is not taken over through another tenant's IdP.
  const outsider = await newTenant(t);
  const hijack = await post(s, good(s, await start(s), outsider.email));
  expectProblem(hijack, 403, 'sso_email_domain_mismatch');
  expect(await failures(s)).toContain('sso_email_domain_mismatch');
  // Without domains on the connection, an existing account outside the tenant is still refused.
  await t.http.patch(`/v1/sso/connections/${s.conn.id}`).set(s.a.auth).send({ domains: [] });
  expectProblem(await post(s, good(s, await start(s), outsider.email)), 403, 'sso_account_exists');
  expect((await t.http.get('/v1/me').set(outsider.session)).body.memberships).toHaveLength(1);
  // A member the identity provider deactivated (SCIM active: false) cannot sign in through SSO either.
  const email = `gone@${s.domain}`;
  await t.http
    .patch(`/v1/sso/connections/${s.conn.id}`)
    .set(s.a.auth)
    .send({ domains: [s.domain] });
  expect((await post(s, good(s, await start(s), email))).status).toBe(302);
  const scim = { Authorization: `Bearer ${(await t.http.post('/v1/sso/scim-tokens').set(s.a.auth).send({ name: 'IdP' })).body.token}` };
  const found = await t.http
    .get('/scim/v2/Users')
    .query({ filter: `userName eq "${email}"` })
    .set(scim);
  await t.http
    .patch(`/scim/v2/Users/${found.body.Resources[0].id}`)
    .set(scim)
    .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] });
  expectProblem(await post(s, good(s, await start(s), email)), 403, 'member_deactivated');
  expect(await failures(s)).toContain('member_deactivated');
});

it('administers connections: validation, metadata, domain uniqueness, updates and deletion', async () => {
  const s = await setup();
  expectProblem(await t.http.post('/v1/sso/connections').set(s.a.auth).send({ type: 'saml', name: 'x', saml: {} }), 422, 'validation_failed');
  expectProblem(
    await t.http
      .post('/v1/sso/connections')
      .set(s.a.auth)
      .send({ type: 'saml', name: 'x', saml: { metadata_xml: '<nope/>' } }),
    422,
    'invalid_saml_metadata',
  );
  expectProblem(
    await t.http
      .post('/v1/sso/connections')
      .set(s.a.auth)
      .send({ type: 'saml', name: 'x', saml: { idp_entity_id: 'e', idp_sso_url: 'https://i.example.com', idp_certificate: 'not a cert' } }),
    422,
    'invalid_certificate',
  );
  expectProblem(
    await t.http
      .post('/v1/sso/connections')
      .set(s.a.auth)
      .send({ type: 'saml', name: 'x', saml: { metadata_xml: s.idp.metadata() }, default_role: 'nope' }),
    422,
    'unknown_role',
  );
  const other = await newTenant(t);
  expectProblem(
    await t.http
      .post('/v1/sso/connections')
      .set(other.auth)
      .send({ type: 'saml', name: 'x', domains: [s.domain], saml: { metadata_xml: s.idp.metadata() } }),
    409,
    'domain_taken',
  );
  const metadata = await t.http.get(`/v1/sso/connections/${s.conn.id}/saml-metadata`).set(s.a.auth);
  expect(metadata.status).toBe(200);
  expect(metadata.headers['content-type']).toMatch(/^application\/samlmetadata\+xml/);
  expect(metadata.text).toContain(s.conn.saml.acs_url);
  expect(metadata.text).toContain(`entityID="${s.conn.saml.sp_entity_id}"`);
  const got = await t.http.get(`/v1/sso/connections/${s.conn.id}`).set(s.a.auth);
  expect(got.body.saml.idp_certificates[0]).toMatchObject({ fingerprint_sha256: expect.stringMatching(/^[0-9A-F:]+$/), not_after: expect.any(String) });
  const renamed = await t.http.patch(`/v1/sso/connections/${s.conn.id}`).set(s.a.auth).send({ name: 'Renamed' });
  expect(renamed.body.name).toBe('Renamed');
  const updated = await t.http.get('/v1/events').query({ type: 'sso_connection.updated' }).set(s.a.auth);
  expect(updated.body.data[0].data.previous_attributes).toEqual({ name: 'Acme IdP' });
  expect((await t.http.get('/v1/sso/connections').set(s.a.auth)).body.data).toHaveLength(1);
  expect((await t.http.delete(`/v1/sso/connections/${s.conn.id}`).set(s.a.auth)).body).toEqual({ id: s.conn.id, object: 'sso_connection', deleted: true });
  expectProblem(await t.http.get(`/v1/sso/connections/${s.conn.id}`).set(s.a.auth), 404);
  // The domain is free again.
  expect(
    (
      await t.http
        .post('/v1/sso/connections')
        .set(other.auth)
        .send({ type: 'saml', name: 'x', domains: [s.domain], saml: { metadata_xml: s.idp.metadata() } })
    ).status,
  ).toBe(201);
});

describe('tenant policy: sso_required with a break-glass owner', () => {
  it('needs an active connection and an owner with 2FA, then refuses member passwords but not the break-glass owner', async () => {
    const a = await newTenant(t);
    expectProblem(await t.http.patch(`/v1/tenants/${a.tenantId}`).set(a.auth).send({ sso_required: true }), 409, 'sso_connection_required');
    const idp = await SamlIdp.create();
    await t.http
      .post('/v1/sso/connections')
      .set(a.auth)
      .send({ type: 'saml', name: 'IdP', saml: { metadata_xml: idp.metadata() } });
    expectProblem(await t.http.patch(`/v1/tenants/${a.tenantId}`).set(a.auth).send({ sso_required: true }), 409, 'break_glass_owner_required');
    // The owner enrols in 2FA and becomes the break-glass account.
    const { Secret, TOTP } = await import('otpauth');
    const start = await t.http.post('/v1/me/mfa/totp').set(a.session);
    const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(start.body.secret) });
    expect((await t.http.post('/v1/me/mfa/totp/confirm').set(a.session).send({ code: totp.generate() })).status).toBe(200);
    // A member with a password (an existing user who accepted an invitation).
    const b = await newTenant(t, 'Elsewhere');
    const inv = await t.http.post('/v1/invitations').set(a.auth).send({ email: b.email, role: 'developer' });
    expect((await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, password: b.password })).status).toBe(200);
    const policy = await t.http.patch(`/v1/tenants/${a.tenantId}`).set(a.auth).send({ sso_required: true });
    expect(policy.status).toBe(200);
    expect(policy.body.sso_required).toBe(true);
    // The member's password no longer opens the tenant; their own tenant is unaffected.
    expectProblem(await t.http.post('/v1/auth/login').send({ email: b.email, password: b.password, tenant_id: a.tenantId }), 403, 'sso_required');
    expect((await t.http.post('/v1/auth/login').send({ email: b.email, password: b.password, tenant_id: b.tenantId })).status).toBe(200);
    // Nor can a password session switch into it.
    expectProblem(await t.http.post('/v1/auth/refresh').send({ refresh_token: b.refreshToken, tenant_id: a.tenantId }), 403, 'sso_required');
    // The break-glass owner still signs in: password, then the second factor.
    const owner = await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password, tenant_id: a.tenantId });
    expect(owner.body).toMatchObject({ object: 'mfa_challenge' });
    // The last connection cannot be deleted while SSO is required.
    const conns = await t.http.get('/v1/sso/connections').set(a.auth);
    expectProblem(await t.http.delete(`/v1/sso/connections/${conns.body.data[0].id}`).set(a.auth), 409, 'sso_required_needs_connection');
    // Redirect URIs must be https (or localhost).
    expectProblem(
      await t.http
        .patch(`/v1/tenants/${a.tenantId}`)
        .set(a.auth)
        .send({ sso_redirect_uris: ['http://app.example.com/cb'] }),
      422,
      'validation_failed',
    );
    expect(
      (
        await t.http
          .patch(`/v1/tenants/${a.tenantId}`)
          .set(a.auth)
          .send({ sso_redirect_uris: ['http://localhost:5173/cb'] })
      ).status,
    ).toBe(200);
  });

  it('lets SSO sign-ins satisfy mfa_required (the IdP owns the second factor)', async () => {
    const s = await setup();
    expect((await t.http.patch(`/v1/tenants/${s.a.tenantId}`).set(s.a.auth).send({ mfa_required: true })).status).toBe(200);
    const acs = await post(s, good(s, await start(s), `mfa@${s.domain}`));
    const tokens = await t.http.post('/v1/sso/token').send({ code: new URL(acs.headers.location!).searchParams.get('code') });
    expect((await t.http.get('/v1/customers').set({ Authorization: `Bearer ${tokens.body.access_token}` })).status).toBe(200);
  });
});
