/**
 * Driven by openapi/openapi.json: every operation is called without credentials (401), with a key
 * lacking its scope (403), and, where it takes an id, with another tenant's id (404, nothing changed).
 * A new operation without a sample body or a foreign-id factory here fails the suite.
 */
import { loadSpec } from '../src/app';
import { createTestApp, expectProblem, keyWithScopes, newTenant, type TestApp, type TestTenant } from './harness';
import { SamlIdp } from './support/saml-idp';

interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  operationId: string;
  scopes: string[] | null; // null: public
  sessionOnly: boolean;
}

const spec = loadSpec() as { paths: Record<string, Record<string, { operationId: string; security?: Record<string, string[]>[] }>> };
const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => {
    const security = op.security ?? [];
    const schemes = security.flatMap((s) => Object.keys(s));
    return {
      method: method as Operation['method'],
      path,
      operationId: op.operationId,
      scopes: security.length ? Object.values(security[0])[0] : null,
      sessionOnly: schemes.length > 0 && schemes.every((s) => s === 'session'),
    };
  }),
);

/** A valid body per operation, so that only authorization can fail. */
const bodies: Record<string, (n: number) => unknown> = {
  createTenant: () => ({ name: 'Child' }),
  updateTenant: () => ({ name: 'Renamed' }),
  createCustomer: () => ({ name: 'C' }),
  updateCustomer: () => ({ name: 'Renamed' }),
  createRole: (n) => ({ key: `role_${n}`, name: 'R', permissions: ['customers:read'] }),
  updateRole: () => ({ name: 'Renamed' }),
  updateMember: () => ({ role: 'viewer' }),
  createApiKey: () => ({ name: 'k', scopes: ['customers:read'] }),
  rollApiKey: () => ({}),
  createInvitation: (n) => ({ email: `invitee${n}@example.com`, role: 'member' }),
  signup: (n) => ({ email: `sec${n}.${Date.now()}@example.com`, password: 'correct horse battery staple', name: 'S', tenant_name: 'S' }),
  login: () => ({ email: 'nobody@example.com', password: 'x' }),
  refreshSession: () => ({ refresh_token: 'rt_nope' }),
  confirmEmailVerification: () => ({ token: 'ev_nope' }),
  requestPasswordReset: () => ({ email: 'nobody@example.com' }),
  confirmPasswordReset: () => ({ token: 'pr_nope', password: 'correct horse battery staple' }),
  acceptInvitation: () => ({ token: 'invt_nope', password: 'x' }),
  createWebhookEndpoint: () => ({ url: PUBLIC_URL, event_types: ['*'] }),
  updateWebhookEndpoint: () => ({ description: 'Renamed' }),
  createWebhookPortalSession: () => ({}),
  rotateWebhookEndpointSecret: () => ({}),
  testWebhookEndpoint: () => ({}),
  replayWebhookEndpoint: () => ({ since: new Date(Date.now() - 3600_000).toISOString() }),
  retryWebhookDelivery: () => ({}),
  createAuditLogExport: () => ({ format: 'csv' }),
  startTotpEnrollment: () => ({}),
  confirmTotpEnrollment: () => ({ code: '123456' }),
  disableTotp: () => ({ code: '123456' }),
  completeMfaLogin: () => ({ challenge: 'mfac_nope', code: '123456' }),
  createSsoConnection: () => ({ type: 'saml', name: 'IdP', saml: { metadata_xml: idpMetadata } }),
  updateSsoConnection: () => ({ name: 'Renamed' }),
  consumeSamlResponse: () => ({ SAMLResponse: 'bm90IGEgcmVzcG9uc2U=' }),
  exchangeSsoCode: () => ({ code: 'ssoc_nope' }),
  createScimToken: () => ({ name: 'IdP' }),
};

/** A SAML IdP's metadata (with a real certificate), made once for the connection bodies. */
let idpMetadata = '';

/** A public address literal: passes the SSRF guard without DNS (nothing is ever sent to it in this suite). */
const PUBLIC_URL = 'https://93.184.215.14/hooks';
const SUFFIXES = /\/(suspend|resume|roll|rotate-secret|test|deliveries|replay|retry|download|saml-metadata)$/;

/** Creates, in tenant `b`, the object an `{id}` path names; returns its id and how `b` reads it back. */
type Foreign = { id: string; read: () => Promise<unknown> };
let made = 0;
const foreign: Record<string, (t: TestApp, b: TestTenant) => Promise<Foreign>> = {
  '/v1/tenants/{id}': async (t, b) => ({ id: b.tenantId, read: async () => (await t.http.get(`/v1/tenants/${b.tenantId}`).set(b.auth)).body }),
  '/v1/customers/{id}': async (t, b) => {
    const id = (await t.http.post('/v1/customers').set(b.auth).send({ name: 'Theirs' })).body.id;
    return { id, read: async () => (await t.http.get(`/v1/customers/${id}`).set(b.auth)).body };
  },
  '/v1/roles/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/roles')
        .set(b.auth)
        .send({ key: `theirs_${++made}`, name: 'Theirs', permissions: ['customers:read'] })
    ).body.id;
    return { id, read: async () => (await t.http.get(`/v1/roles/${id}`).set(b.auth)).body };
  },
  '/v1/members/{id}': async (t, b) => {
    const id = (await t.http.get('/v1/members').set(b.auth)).body.data[0].id;
    return { id, read: async () => (await t.http.get(`/v1/members/${id}`).set(b.auth)).body };
  },
  '/v1/api-keys/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/api-keys')
        .set(b.auth)
        .send({ name: 'theirs', scopes: ['customers:read'] })
    ).body.id;
    return { id, read: async () => (await t.http.get(`/v1/api-keys/${id}`).set(b.auth)).body };
  },
  '/v1/invitations/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/invitations')
        .set(b.auth)
        .send({ email: `theirs.${Date.now()}@example.com`, role: 'member' })
    ).body.id;
    return { id, read: async () => (await t.http.get('/v1/invitations').set(b.auth)).body.data.find((i: { id: string }) => i.id === id) };
  },
  '/v1/events/{id}': async (t, b) => {
    await t.http.post('/v1/customers').set(b.auth).send({ name: 'Evented' });
    const id = (await t.http.get('/v1/events').set(b.auth)).body.data[0].id;
    return { id, read: async () => (await t.http.get(`/v1/events/${id}`).set(b.auth)).body };
  },
  '/v1/webhook-endpoints/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/webhook-endpoints')
        .set(b.auth)
        .send({ url: PUBLIC_URL, event_types: ['customer.*'] })
    ).body.id;
    return { id, read: async () => (await t.http.get(`/v1/webhook-endpoints/${id}`).set(b.auth)).body };
  },
  '/v1/webhook-deliveries/{id}': async (t, b) => {
    const endpoint = (
      await t.http
        .post('/v1/webhook-endpoints')
        .set(b.auth)
        .send({ url: PUBLIC_URL, event_types: ['customer.*'] })
    ).body.id;
    const id = (await t.http.post(`/v1/webhook-endpoints/${endpoint}/test`).set(b.auth)).body.id;
    return { id, read: async () => (await t.http.get(`/v1/webhook-endpoints/${endpoint}/deliveries`).set(b.auth)).body.data };
  },
  '/v1/audit-logs/exports/{id}': async (t, b) => {
    const id = (await t.http.post('/v1/audit-logs/exports').set(b.auth).send({ format: 'ndjson' })).body.id;
    return { id, read: async () => (await t.http.get(`/v1/audit-logs/exports/${id}`).set(b.auth)).body };
  },
  '/v1/sso/connections/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/sso/connections')
        .set(b.auth)
        .send(bodies.createSsoConnection!(0) as object)
    ).body.id;
    return { id, read: async () => (await t.http.get(`/v1/sso/connections/${id}`).set(b.auth)).body };
  },
  '/v1/sso/scim-tokens/{id}': async (t, b) => {
    const id = (await t.http.post('/v1/sso/scim-tokens').set(b.auth).send({ name: 'theirs' })).body.id;
    return { id, read: async () => (await t.http.get('/v1/sso/scim-tokens').set(b.auth)).body.data };
  },
  '/v1/sessions/{id}': async (t, b) => {
    const me = (await t.http.get('/v1/me').set(b.session)).body;
    return { id: me.session_id, read: async () => (await t.http.get('/v1/sessions').set(b.session)).body.data.map((s: { id: string }) => s.id) };
  },
};

/** A scope that does not include the one required (every key needs at least one scope). */
const otherScope = (needed: string[]) => (needed.includes('customers:read') ? 'tenants:read' : 'customers:read');

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  idpMetadata = (await SamlIdp.create()).metadata();
  a = await newTenant(t, 'A');
  b = await newTenant(t, 'B');
});
afterAll(() => t.close());

const call = (op: Operation, path: string, n: number) => {
  const req = t.http[op.method](path);
  const body = bodies[op.operationId];
  return op.method === 'post' || op.method === 'patch' ? req.send((body ?? (() => ({})))(n) as object) : req;
};

describe('security suite over openapi.json', () => {
  it(`knows how to call each of the ${operations.length} operations`, () => {
    const missingBodies = operations.filter(
      (o) => (o.method === 'post' || o.method === 'patch') && !bodies[o.operationId] && !/\/(suspend|resume)$|logout|email-verification$/.test(o.path),
    );
    const missingFactories = operations.filter((o) => o.path.includes('{id}') && !foreign[o.path.replace(SUFFIXES, '')]);
    expect(missingBodies.map((o) => o.operationId)).toEqual([]);
    expect(missingFactories.map((o) => o.operationId)).toEqual([]);
  });

  it('rejects every protected operation without credentials (401) and documents the public ones', async () => {
    let covered = 0;
    for (const [n, op] of operations.entries()) {
      const path = op.path.replace('{id}', 'x_00000000000000000000000000');
      if (op.scopes === null) {
        // Public: reachable without credentials (login may still answer 401 for a wrong password).
        const res = await call(op, path, n);
        expect([op.operationId, res.body.code]).not.toEqual([op.operationId, 'unauthenticated']);
      } else {
        const res = await call(op, path, n);
        expect([op.operationId, res.status]).toEqual([op.operationId, 401]);
        expectProblem(res, 401);
        const bad = await call(op, path, n).set({ Authorization: 'Bearer sk_live_not_a_real_key' });
        expect([op.operationId, bad.status]).toEqual([op.operationId, 401]);
      }
      covered++;
    }
    console.log(`security suite: 401 checks covered ${covered}/${operations.length} operations`);
    expect(covered).toBe(operations.length);
  });

  it('rejects every scoped operation with a key lacking the scope (403), and session-only ones with a key (401)', async () => {
    let covered = 0;
    for (const [n, op] of operations.entries()) {
      if (op.scopes === null) continue;
      const path = op.path.replace('{id}', 'x_00000000000000000000000000');
      if (op.sessionOnly) {
        const res = await call(op, path, n).set(a.auth);
        expect([op.operationId, res.status, res.body.code]).toEqual([op.operationId, 401, 'session_required']);
      } else {
        const key = await keyWithScopes(t, a, [otherScope(op.scopes)]);
        const res = await call(op, path, n).set(key);
        expect([op.operationId, res.status, res.body.code]).toEqual([op.operationId, 403, 'missing_permission']);
      }
      covered++;
    }
    const protectedOps = operations.filter((o) => o.scopes !== null).length;
    console.log(`security suite: 403 checks covered ${covered}/${protectedOps} protected operations`);
    expect(covered).toBe(protectedOps);
  });

  it("answers 404 for another tenant's id on every operation that takes one, and changes nothing", async () => {
    const byId = operations.filter((o) => o.path.includes('{id}'));
    let covered = 0;
    for (const [n, op] of byId.entries()) {
      const target = await foreign[op.path.replace(SUFFIXES, '')](t, b);
      const before = await target.read();
      const res = await call(op, op.path.replace('{id}', target.id), n).set(op.sessionOnly ? a.session : a.auth);
      expect([op.operationId, res.status]).toEqual([op.operationId, 404]);
      expectProblem(res, 404);
      expect([op.operationId, await target.read()]).toEqual([op.operationId, before]);
      covered++;
    }
    console.log(`security suite: cross-tenant checks covered ${covered}/${byId.length} operations with an id`);
    expect(covered).toBe(byId.length);
  });

  it('documents a security requirement or explicit public access, a summary and error responses on every operation', () => {
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods) as [
        string,
        { operationId?: string; summary?: string; security?: unknown[]; responses: Record<string, unknown> },
      ][]) {
        const where = `${method.toUpperCase()} ${path}`;
        expect([where, typeof op.operationId, typeof op.summary, Array.isArray(op.security)]).toEqual([where, 'string', 'string', true]);
        expect([where, Object.keys(op.responses).some((s) => Number(s) >= 400)]).toEqual([where, true]);
        const security = op.security as Record<string, string[]>[];
        const scoped = security.some((s) => Object.values(s).some((scopes) => scopes.length > 0));
        const expected = [...(security.length ? ['401'] : []), ...(scoped ? ['403'] : [])];
        expect([where, Object.keys(op.responses)]).toEqual([where, expect.arrayContaining(expected)]);
      }
    }
  });
});
