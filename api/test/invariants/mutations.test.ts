/**
 * Driven by openapi/openapi.json, like the security suite: every mutating operation (POST, PUT, PATCH,
 * DELETE) is performed successfully in a fresh tenant, and the call must have written at least one
 * event and one audit entry in that tenant (rows of `events` and `audit_logs` carrying the call's
 * Request-Id). Since every audit entry is announced as an `audit.entry.created` event when it is sealed
 * into the chain (the sweep seals the tenant's pending entries before it looks), the call
 * must also write a domain event (any other type) unless it is AUDIT_ONLY. An operation that
 * legitimately writes nothing is in EXEMPT with its reason. A new operation is swept with its sample
 * body and `{id}` factory from its module's `<m>.fixtures.ts` unless it has a PLAN here.
 */
import { inflateRawSync } from 'node:zlib';
import { Secret, TOTP } from 'otpauth';
import pg from 'pg';
import type { Response, Test } from 'supertest';
import { sealTenant } from '../../src/modules/audit';
import { createTestApp, newTenant, rootAuth, testDatabaseUrl, uniqueEmail, type TestApp, type TestTenant } from '../harness';
import { bodies, objectFactories, operations, prepareSamples, SUFFIXES, type Operation } from '../support/operations';
import { b64, SamlIdp } from '../support/saml-idp';
import { FakeSvix } from '../support/svix-server';

/**
 * Mutating operations that write no event or no audit entry, each with its reason. `GAP:` marks a
 * missing record that should be written: the sweep fails once it is, so that the entry goes.
 */
const EXEMPT: Record<string, string> = {
  startTotpEnrollment: 'Stores a pending secret on the user and returns it; nothing is active until confirmTotpEnrollment, which records mfa.enrolled.',
  requestEmailVerification: 'Only mails a single-use token; confirmEmailVerification records user.email_verified.',
  requestPasswordReset:
    'Answers the same whether or not the account exists (no enumeration) and only mails a token; confirmPasswordReset records user.password_changed.',
  refreshSession:
    'GAP: with tenant_id the refresh moves the session into another tenant of the user (what the sweep does), like a sign-in, and that ' +
    'tenant gets no user.signed_in (the plain rotation of the same token legitimately writes nothing).',
  createWebhookPortalSession:
    'GAP: hands out a Svix portal login link (management of the tenant’s webhook endpoints at Svix) and writes no audit entry; only ' +
    'available with SVIX_API_KEY.',
};

/** Operations whose audit entries are the record: they change no resource that has event types. */
const AUDIT_ONLY: Record<string, string> = {
  login: 'A sign-in: audited as user.signed_in; sessions are not resources with event types.',
  completeMfaLogin: 'A sign-in (second step): audited as user.signed_in.',
  exchangeSsoCode: 'A sign-in (SSO code exchange): audited as user.signed_in; the ACS step emitted sso.login.succeeded.',
  logout: 'Ends the session: audited as user.signed_out.',
  deleteSession: 'Ends a session: audited as session.revoked.',
  replayWebhookEndpoint: 'Schedules deliveries again: audited as webhook_endpoint.replayed; the endpoint does not change.',
  retryWebhookDelivery: 'Schedules a delivery again: audited as webhook_delivery.retried; deliveries have no event types.',
  createAuditLogExport: 'Starts an export job: audited as audit_log_export.created; exports have no event types.',
  createScimToken: 'Audited as scim_token.created; SCIM tokens have no event types in the catalogue (API keys have api_key.created).',
  revokeScimToken: 'Audited as scim_token.revoked; SCIM tokens have no event types in the catalogue (API keys have api_key.revoked).',
};

/** How to perform an operation successfully: what to send, and in which tenant its records land. */
interface Plan {
  send: () => Test;
  /** The tenant that must hold the records (default: the fresh tenant). */
  tenantId?: string;
  /** For calls that create the tenant (sign-up). */
  tenantOf?: (res: Response) => string;
  /** Stops what the plan started (another app, a fake Svix). */
  cleanup?: () => Promise<void>;
}

let t: TestApp;
let db: pg.Client;
let n = 0;

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://app.example.com/sso/callback';

/** The generic plan: the sample body, the `{id}` object made in the tenant, its credentials. */
async function generic(op: Operation, a: TestTenant): Promise<Plan> {
  let path = op.path;
  if (path.includes('{id}')) {
    const factory = objectFactories[path.replace(SUFFIXES, '')];
    if (!factory) throw new Error(`no object factory for ${path} in its module's <m>.fixtures.ts: add one, or a PLAN`);
    path = path.replace('{id}', (await factory(t, a)).id);
  }
  if (/\{\w+\}/.test(path)) throw new Error(`${path} has a path parameter the generic plan cannot fill: add a PLAN`);
  const auth = op.scopes === null ? {} : op.sessionOnly ? a.session : a.auth;
  const body = bodies[op.operationId]?.(++n);
  return {
    send: () =>
      body === undefined
        ? t.http[op.method](path).set(auth)
        : t.http[op.method](path)
            .set(auth)
            .send(body as object),
  };
}

/** A second member of the tenant (invited, then accepted): `/v1/members/{id}` of the owner would be refused. */
async function secondMember(a: TestTenant): Promise<string> {
  const invitation = await t.http
    .post('/v1/invitations')
    .set(a.auth)
    .send({ email: uniqueEmail('member'), role: 'member' });
  const accepted = await t.http.post('/v1/invitations/accept').send({ token: invitation.body.token, name: 'Second', password: PASSWORD });
  expect(accepted.status).toBe(200);
  const members = await t.http.get('/v1/members').set(a.auth);
  return members.body.data.find((m: { user: { id: string } }) => m.user.id === accepted.body.user.id).id;
}

/** A reseller tenant the root key acts in (`Plinth-Tenant`): standard tenants cannot have children. */
async function reseller(): Promise<{ tenantId: string; auth: Record<string, string> }> {
  const res = await t.http.post('/v1/tenants').set(rootAuth).send({ name: 'Reseller', kind: 'reseller' });
  expect(res.status).toBe(201);
  return { tenantId: res.body.id, auth: { ...rootAuth, 'Plinth-Tenant': res.body.id } };
}

async function totpEnrolled(a: TestTenant): Promise<{ totp: TOTP; recoveryCodes: string[] }> {
  const started = await t.http.post('/v1/me/mfa/totp').set(a.session).send({});
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(started.body.secret) });
  const confirmed = await t.http.post('/v1/me/mfa/totp/confirm').set(a.session).send({ code: totp.generate() });
  expect(confirmed.status).toBe(200);
  return { totp, recoveryCodes: confirmed.body.recovery_codes };
}

/** A SAML sign-in up to the IdP's signed response for the ACS (SP-initiated, as a browser does it). */
async function samlResponse(a: TestTenant): Promise<{ acsPath: string; form: Record<string, string> }> {
  const idp = await SamlIdp.create();
  const domain = `sweep-${Date.now()}-${++n}.example.com`;
  await t.http
    .patch(`/v1/tenants/${a.tenantId}`)
    .set(a.auth)
    .send({ sso_redirect_uris: [REDIRECT] });
  const conn = await t.http
    .post('/v1/sso/connections')
    .set(a.auth)
    .send({ type: 'saml', name: 'IdP', domains: [domain], saml: { metadata_xml: idp.metadata() } });
  expect(conn.status).toBe(201);
  const start = await t.http.get('/v1/sso/authorize').query({ connection: conn.body.id, redirect_uri: REDIRECT });
  expect(start.status).toBe(302);
  const authnRequest = inflateRawSync(Buffer.from(new URL(start.headers.location!).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
  const inResponseTo = /ID="([^"]+)"/.exec(authnRequest)![1]!;
  const { acs_url: acsUrl, sp_entity_id: audience } = conn.body.saml;
  const xml = idp.sign(idp.responseXml({ acsUrl, audience, inResponseTo, email: `jane@${domain}` }));
  return { acsPath: new URL(acsUrl).pathname, form: { SAMLResponse: b64(xml) } };
}

/** Operations the generic plan cannot perform successfully (tokens from mail, a second member, MFA, SSO, child tenants). */
const PLANS: Record<string, (a: TestTenant) => Promise<Plan>> = {
  signup: async () => ({ send: () => t.http.post('/v1/auth/signup').send(bodies.signup!(++n) as object), tenantOf: (res) => res.body.tenant_id }),
  login: async (a) => ({ send: () => t.http.post('/v1/auth/login').send({ email: a.email, password: a.password }) }),
  refreshSession: async (a) => {
    const b = await newTenant(t, 'Other');
    const invitation = await t.http.post('/v1/invitations').set(b.auth).send({ email: a.email, role: 'member' });
    expect((await t.http.post('/v1/invitations/accept').send({ token: invitation.body.token, name: 'Jane', password: a.password })).status).toBe(200);
    return { send: () => t.http.post('/v1/auth/refresh').send({ refresh_token: a.refreshToken, tenant_id: b.tenantId }), tenantId: b.tenantId };
  },
  requestPasswordReset: async (a) => ({ send: () => t.http.post('/v1/auth/password-reset').send({ email: a.email }) }),
  confirmPasswordReset: async (a) => {
    await t.http.post('/v1/auth/password-reset').send({ email: a.email });
    const token = t.lastTokenFor(a.email);
    return { send: () => t.http.post('/v1/auth/password-reset/confirm').send({ token, password: 'a brand new passphrase' }) };
  },
  confirmEmailVerification: async (a) => {
    await t.http.post('/v1/auth/email-verification').set(a.session);
    const token = t.lastTokenFor(a.email);
    return { send: () => t.http.post('/v1/auth/email-verification/confirm').send({ token }) };
  },
  acceptInvitation: async (a) => {
    const invitation = await t.http
      .post('/v1/invitations')
      .set(a.auth)
      .send({ email: uniqueEmail('invitee'), role: 'member' });
    return { send: () => t.http.post('/v1/invitations/accept').send({ token: invitation.body.token, name: 'Invitee', password: PASSWORD }) };
  },
  updateMember: async (a) => {
    const id = await secondMember(a);
    return { send: () => t.http.patch(`/v1/members/${id}`).set(a.auth).send({ role: 'viewer' }) };
  },
  deleteMember: async (a) => {
    const id = await secondMember(a);
    return { send: () => t.http.delete(`/v1/members/${id}`).set(a.auth) };
  },
  createTenant: async () => {
    const r = await reseller();
    return { send: () => t.http.post('/v1/tenants').set(r.auth).send({ name: 'Child' }), tenantId: r.tenantId };
  },
  suspendTenant: async () => {
    const r = await reseller();
    const child = (await t.http.post('/v1/tenants').set(r.auth).send({ name: 'Child' })).body.id;
    return { send: () => t.http.post(`/v1/tenants/${child}/suspend`).set(r.auth), tenantId: r.tenantId };
  },
  resumeTenant: async () => {
    const r = await reseller();
    const child = (await t.http.post('/v1/tenants').set(r.auth).send({ name: 'Child' })).body.id;
    expect((await t.http.post(`/v1/tenants/${child}/suspend`).set(r.auth)).status).toBe(200);
    return { send: () => t.http.post(`/v1/tenants/${child}/resume`).set(r.auth), tenantId: r.tenantId };
  },
  confirmTotpEnrollment: async (a) => {
    const started = await t.http.post('/v1/me/mfa/totp').set(a.session).send({});
    const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(started.body.secret) });
    return { send: () => t.http.post('/v1/me/mfa/totp/confirm').set(a.session).send({ code: totp.generate() }) };
  },
  disableTotp: async (a) => {
    const { recoveryCodes } = await totpEnrolled(a);
    return { send: () => t.http.delete('/v1/me/mfa/totp').set(a.session).send({ code: recoveryCodes[0] }) };
  },
  completeMfaLogin: async (a) => {
    const { recoveryCodes } = await totpEnrolled(a);
    const challenge = (await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password })).body.challenge;
    return { send: () => t.http.post('/v1/auth/mfa').send({ challenge, code: recoveryCodes[0] }) };
  },
  createWebhookPortalSession: async (a) => {
    // The portal is Svix's: a second app on the same database, with a fake Svix.
    const svix = await new FakeSvix('testsk_sweep').start();
    const withSvix = await createTestApp({ svix: { apiKey: 'testsk_sweep', serverUrl: svix.url } });
    return {
      send: () => withSvix.http.post('/v1/webhook-endpoints/portal-session').set(a.auth).send({}),
      cleanup: async () => {
        await withSvix.close();
        await svix.stop();
      },
    };
  },
  consumeSamlResponse: async (a) => {
    const { acsPath, form } = await samlResponse(a);
    return { send: () => t.http.post(acsPath).type('form').send(form) };
  },
  exchangeSsoCode: async (a) => {
    const { acsPath, form } = await samlResponse(a);
    const acs = await t.http.post(acsPath).type('form').send(form);
    expect(acs.status).toBe(302);
    const code = new URL(acs.headers.location!).searchParams.get('code');
    return { send: () => t.http.post('/v1/sso/token').send({ code }) };
  },
};

/** Rows of the call (its Request-Id) in the tenant, and how many rows the tenant has whatever their request. */
async function written(tenantId: string, requestId = ''): Promise<{ events: string[]; audit: string[]; tenantEvents: number; tenantAudit: number }> {
  await sealTenant(t.runtime.deps, tenantId);
  const { rows } = await db.query<{ kind: string; name: string; mine: boolean }>(
    `select 'event' as kind, type as name, request_id = $2 as mine from events where tenant_id = $1
     union all select 'audit', action, request_id = $2 from audit_logs where tenant_id = $1`,
    [tenantId, requestId],
  );
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  return {
    events: of('event')
      .filter((r) => r.mine)
      .map((r) => r.name),
    audit: of('audit')
      .filter((r) => r.mine)
      .map((r) => r.name),
    tenantEvents: of('event').length,
    tenantAudit: of('audit').length,
  };
}

const mutating = operations.filter((o) => o.method !== 'get');

beforeAll(async () => {
  t = await createTestApp();
  await prepareSamples();
  db = new pg.Client({ connectionString: testDatabaseUrl() });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await t?.close();
});

it('exempts only operations that exist and mutate, each with a reason', () => {
  const ids = new Set(mutating.map((o) => o.operationId));
  for (const list of [EXEMPT, AUDIT_ONLY, PLANS]) expect(Object.keys(list).filter((id) => !ids.has(id))).toEqual([]);
  for (const list of [EXEMPT, AUDIT_ONLY]) expect(Object.entries(list).filter(([, reason]) => reason.replace(/^GAP:/, '').trim().length < 10)).toEqual([]);
  expect(Object.keys(AUDIT_ONLY).filter((id) => EXEMPT[id] !== undefined)).toEqual([]);
});

/** What sweeping one operation found. */
interface Outcome {
  seen?: string;
  unperformed?: string;
  missing?: string;
  noDomainEvent?: string;
  stale?: string;
}

async function sweep(op: Operation): Promise<Outcome> {
  const label = `${op.method.toUpperCase()} ${op.path} (${op.operationId})`;
  let plan: Plan | undefined;
  try {
    const a = await newTenant(t, 'Sweep');
    plan = await (PLANS[op.operationId] ?? ((x: TestTenant) => generic(op, x)))(a);
    const known = plan.tenantOf ? undefined : (plan.tenantId ?? a.tenantId);
    const before = known ? await written(known) : { tenantEvents: 0, tenantAudit: 0 };
    const res = await plan.send();
    if (res.status >= 400) return { unperformed: `${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}` };
    const tenantId = plan.tenantOf?.(res) ?? known!;
    const rows = await written(tenantId, res.headers['request-id']!);
    const domainEvents = rows.events.filter((type) => type !== 'audit.entry.created');
    const outcome: Outcome = {
      seen: `${op.operationId}: events [${domainEvents.join(', ')}] + ${rows.events.length - domainEvents.length} audit.entry.created, audit [${rows.audit.join(', ')}]`,
    };
    const complete = rows.events.length > 0 && rows.audit.length > 0;
    const exemption = EXEMPT[op.operationId];
    if (exemption === undefined && !complete) {
      const gained = `${rows.tenantEvents - before.tenantEvents} events, ${rows.tenantAudit - before.tenantAudit} audit entries`;
      outcome.missing = `${label}: ${rows.events.length} events, ${rows.audit.length} audit entries with its request id in ${tenantId} (the tenant gained ${gained})`;
    }
    if (complete && !domainEvents.length && AUDIT_ONLY[op.operationId] === undefined) {
      outcome.noDomainEvent = `${label}: audited (${rows.audit.join(', ')}) but no event besides audit.entry.created`;
    }
    if (exemption?.startsWith('GAP:') && complete) outcome.stale = `${label} now writes both: remove its GAP entry from EXEMPT`;
    if (domainEvents.length && AUDIT_ONLY[op.operationId] !== undefined)
      outcome.stale = `${label} now emits ${domainEvents.join(', ')}: remove it from AUDIT_ONLY`;
    return outcome;
  } catch (err) {
    return { unperformed: `${label}: ${String(err)}` };
  } finally {
    await plan?.cleanup?.();
  }
}

it(`writes an event and an audit entry for every mutating operation (${mutating.length} in the contract)`, async () => {
  // Each operation has its own tenant and is judged by its own Request-Id, so a few run at once.
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < mutating.length) {
        const i = next++;
        outcomes[i] = await sweep(mutating[i]!);
      }
    }),
  );
  const all = (key: keyof Outcome) => outcomes.flatMap((o) => (o[key] ? [o[key]] : []));
  if (process.env.PLINTH_SWEEP_REPORT) console.log(`events/audit sweep:\n  ${all('seen').join('\n  ')}`);
  console.log(
    `events/audit sweep: ${all('seen').length}/${mutating.length} mutating operations performed; ${Object.keys(EXEMPT).length} exempt, ${Object.keys(AUDIT_ONLY).length} audit-only`,
  );
  expect({ unperformed: all('unperformed'), missing: all('missing'), noDomainEvent: all('noDomainEvent'), stale: all('stale') }).toEqual({
    unperformed: [],
    missing: [],
    noDomainEvent: [],
    stale: [],
  });
});
