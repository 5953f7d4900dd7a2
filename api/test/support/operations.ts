/**
 * The operations of openapi/openapi.json, with what the contract-driven suites (security, fuzz) need
 * to call each one: a valid sample body, and a factory for the object an `{id}` path names. A new
 * operation without them fails both suites.
 */
import { loadSpec } from '../../src/app';
import type { TestApp, TestTenant } from '../harness';
import { SamlIdp } from './saml-idp';

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Record<string, unknown>;
}

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  operationId: string;
  scopes: string[] | null; // null: public
  sessionOnly: boolean;
  parameters: Parameter[];
  /** The documented request body: its media type and schema (a `$ref` into the components). */
  requestBody?: { media: string; schema: { $ref: string } };
  responses: Record<string, Response>;
}

export interface Response {
  content?: Record<string, { schema?: unknown }>;
}

interface SpecOperation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, Response>;
}

export const spec = loadSpec() as ReturnType<typeof loadSpec> & {
  paths: Record<string, Record<string, SpecOperation>>;
  components: { parameters: Record<string, Parameter> };
};

export const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => {
    const security = op.security ?? [];
    const schemes = security.flatMap((s) => Object.keys(s));
    const body = op.requestBody ? Object.entries(op.requestBody.content)[0] : undefined;
    return {
      method: method as Operation['method'],
      path,
      operationId: op.operationId,
      scopes: security.length ? Object.values(security[0])[0] : null,
      sessionOnly: schemes.length > 0 && schemes.every((s) => s === 'session'),
      parameters: (op.parameters ?? []).map((p) => ('$ref' in p ? spec.components.parameters[p.$ref.split('/').pop()!]! : p)),
      requestBody: body ? { media: body[0], schema: body[1].schema } : undefined,
      responses: op.responses,
    };
  }),
);

/** A SAML IdP's metadata (with a real certificate) for the connection bodies: `prepareSamples()` makes it once. */
let idpMetadata = '';

/** Makes what the sample bodies need beyond constants; call it once before using `bodies`. */
export async function prepareSamples(): Promise<void> {
  idpMetadata ||= (await SamlIdp.create()).metadata();
}

/** A public address literal: passes the SSRF guard without DNS (nothing is ever sent to it by these suites). */
export const PUBLIC_URL = 'https://93.184.215.14/hooks';

/** A valid body per operation, so that only what a test changes can fail. */
export const bodies: Record<string, (n: number) => unknown> = {
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

/** The sub-resource suffixes of `{id}` paths: `/v1/api-keys/{id}/roll` names an API key. */
export const SUFFIXES = /\/(suspend|resume|roll|rotate-secret|test|deliveries|replay|retry|download|saml-metadata)$/;

/** An object made in a tenant for an `{id}` path: its id, and how its owner reads it back. */
export type MadeObject = { id: string; read: () => Promise<unknown> };

let made = 0;

/** Creates, in `owner`, the object an `{id}` path names (keyed by the path without its suffix). */
export const objectFactories: Record<string, (t: TestApp, owner: TestTenant) => Promise<MadeObject>> = {
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
