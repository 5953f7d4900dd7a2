import { API_VERSION } from './api-version.js';
import { createClient, createConfig, type Client } from './generated/client/index.js';
import * as api from './generated/sdk.gen.js';
import { ConnectionError, errorFromResponse, PlinthError } from './errors.js';
import { PagePromise, type Page } from './pagination.js';
import { retryingFetch } from './transport.js';
import { verifyWebhook } from './webhooks.js';

export interface PlinthOptions {
  /** Where Plinth runs, e.g. `https://api.example.com` or `http://localhost:3000`. */
  baseUrl: string;
  /** A secret API key (`sk_live_...`). */
  apiKey?: string;
  /** Or a session access token (from `auth.login` / `auth.signup`). */
  accessToken?: string;
  /** Act inside a descendant tenant (sent as `Plinth-Tenant`). */
  tenant?: string;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
  /** Retries on network errors, 429 and 5xx; default 2. */
  maxRetries?: number;
  /** A fetch to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** The API version to send as `Plinth-Version`; default: the version this SDK was generated against. */
  apiVersion?: string;
}

/** Per-call overrides. */
export interface RequestOptions {
  /** Defaults to a new random key per call (reused across that call's retries). */
  idempotencyKey?: string;
  tenant?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Op = (options: any) => Promise<{ data?: unknown; error?: unknown; response?: Response }>;
type Opts<F extends Op> = NonNullable<Parameters<F>[0]>;
type Body<F extends Op> = Opts<F> extends { body: infer B } ? B : Opts<F> extends { body?: infer B } ? B : never;
type Query<F extends Op> = Opts<F> extends { query?: infer Q } ? NonNullable<Q> : never;
type Result<F extends Op> = NonNullable<Awaited<ReturnType<F>>['data']>;
type Item<F extends Op> = Result<F> extends Page<infer T> ? T : never;

/**
 * The Plinth client: one namespace per resource, typed from the contract.
 *
 * ```ts
 * const plinth = new Plinth({ apiKey: process.env.PLINTH_API_KEY!, baseUrl: 'http://localhost:3000' });
 * const customer = await plinth.customers.create({ name: 'Ada' });
 * for await (const c of plinth.customers.list({ limit: 50 })) console.log(c.id);
 * ```
 */
export class Plinth {
  /** Verifies a webhook's signature and returns its typed event (`await Plinth.webhooks.verify(body, headers, secret)`). */
  static readonly webhooks = { verify: verifyWebhook };
  readonly webhooks = Plinth.webhooks;

  /** The configured generated client, for calling generated operations directly: `getCustomer({ client: plinth.client, ... })`. */
  readonly client: Client;

  constructor(options: PlinthOptions) {
    const token = options.apiKey ?? options.accessToken;
    this.client = createClient(
      createConfig({
        baseUrl: options.baseUrl.replace(/\/$/, ''),
        ...(token ? { auth: () => token } : {}),
        headers: { 'Plinth-Version': options.apiVersion ?? API_VERSION, ...(options.tenant ? { 'Plinth-Tenant': options.tenant } : {}) },
        fetch: retryingFetch({
          maxRetries: options.maxRetries ?? 2,
          timeoutMs: options.timeoutMs ?? 30_000,
          fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
        }),
        redirect: 'manual',
      }),
    );
  }

  private async call<F extends Op>(fn: F, options: Omit<Opts<F>, 'client'>, request?: RequestOptions): Promise<Result<F>> {
    const headers: Record<string, string> = { ...((options as { headers?: Record<string, string> }).headers ?? {}) };
    if (request?.idempotencyKey) headers['Idempotency-Key'] = request.idempotencyKey;
    if (request?.tenant) headers['Plinth-Tenant'] = request.tenant;
    if (request?.maxRetries !== undefined) headers['x-plinth-max-retries'] = String(request.maxRetries);
    if (request?.timeoutMs !== undefined) headers['x-plinth-timeout-ms'] = String(request.timeoutMs);
    const res = await fn({ ...options, headers, client: this.client });
    if (res.error !== undefined || !res.response?.ok) {
      if (res.error instanceof PlinthError) throw res.error;
      if (!res.response) throw new ConnectionError('connection', null, {}, undefined, `Could not reach Plinth: ${String(res.error)}`);
      throw errorFromResponse(res.response.status, res.error, res.response.headers);
    }
    return res.data as Result<F>;
  }

  private list<F extends Op>(fn: F, options: Omit<Opts<F>, 'client'> & { query?: object }, request?: RequestOptions): PagePromise<Item<F>> {
    return new PagePromise<Item<F>>(
      (cursor) =>
        this.call(
          fn,
          { ...options, query: { ...(options.query ?? {}), ...(cursor ? { starting_after: cursor } : {}) } } as Omit<Opts<F>, 'client'>,
          request,
        ) as Promise<Page<Item<F>>>,
    );
  }

  readonly auth = {
    signup: (body: Body<typeof api.signup>, r?: RequestOptions) => this.call(api.signup, { body }, r),
    /** Tokens, or an `mfa_challenge` for a user with two-factor authentication: finish with `completeMfa`. */
    login: (body: Body<typeof api.login>, r?: RequestOptions) => this.call(api.login, { body }, r),
    completeMfa: (body: Body<typeof api.completeMfaLogin>, r?: RequestOptions) => this.call(api.completeMfaLogin, { body }, r),
    refresh: (body: Body<typeof api.refreshSession>, r?: RequestOptions) => this.call(api.refreshSession, { body }, r),
    logout: (r?: RequestOptions) => this.call(api.logout, {}, r),
    me: (r?: RequestOptions) => this.call(api.getMe, {}, r),
    requestEmailVerification: (r?: RequestOptions) => this.call(api.requestEmailVerification, {}, r),
    confirmEmailVerification: (body: Body<typeof api.confirmEmailVerification>, r?: RequestOptions) => this.call(api.confirmEmailVerification, { body }, r),
    requestPasswordReset: (body: Body<typeof api.requestPasswordReset>, r?: RequestOptions) => this.call(api.requestPasswordReset, { body }, r),
    confirmPasswordReset: (body: Body<typeof api.confirmPasswordReset>, r?: RequestOptions) => this.call(api.confirmPasswordReset, { body }, r),
  };

  readonly mfa = {
    status: (r?: RequestOptions) => this.call(api.getMfaStatus, {}, r),
    startTotp: (r?: RequestOptions) => this.call(api.startTotpEnrollment, {}, r),
    confirmTotp: (body: Body<typeof api.confirmTotpEnrollment>, r?: RequestOptions) => this.call(api.confirmTotpEnrollment, { body }, r),
    disableTotp: (body: Body<typeof api.disableTotp>, r?: RequestOptions) => this.call(api.disableTotp, { body }, r),
  };

  readonly sessions = {
    list: (r?: RequestOptions) => this.call(api.listSessions, {}, r),
    revoke: (id: string, r?: RequestOptions) => this.call(api.deleteSession, { path: { id } }, r),
  };

  readonly tenants = {
    list: (query?: Query<typeof api.listTenants>, r?: RequestOptions) => this.list(api.listTenants, { query }, r),
    create: (body: Body<typeof api.createTenant>, r?: RequestOptions) => this.call(api.createTenant, { body }, r),
    get: (id: string, r?: RequestOptions) => this.call(api.getTenant, { path: { id } }, r),
    update: (id: string, body: Body<typeof api.updateTenant>, r?: RequestOptions) => this.call(api.updateTenant, { path: { id }, body }, r),
    suspend: (id: string, r?: RequestOptions) => this.call(api.suspendTenant, { path: { id } }, r),
    resume: (id: string, r?: RequestOptions) => this.call(api.resumeTenant, { path: { id } }, r),
  };

  readonly permissions = {
    list: (r?: RequestOptions) => this.call(api.listPermissions, {}, r),
  };

  readonly roles = {
    list: (r?: RequestOptions) => this.call(api.listRoles, {}, r),
    create: (body: Body<typeof api.createRole>, r?: RequestOptions) => this.call(api.createRole, { body }, r),
    get: (id: string, r?: RequestOptions) => this.call(api.getRole, { path: { id } }, r),
    update: (id: string, body: Body<typeof api.updateRole>, r?: RequestOptions) => this.call(api.updateRole, { path: { id }, body }, r),
    delete: (id: string, r?: RequestOptions) => this.call(api.deleteRole, { path: { id } }, r),
  };

  readonly members = {
    list: (query?: Query<typeof api.listMembers>, r?: RequestOptions) => this.list(api.listMembers, { query }, r),
    get: (id: string, r?: RequestOptions) => this.call(api.getMember, { path: { id } }, r),
    update: (id: string, body: Body<typeof api.updateMember>, r?: RequestOptions) => this.call(api.updateMember, { path: { id }, body }, r),
    remove: (id: string, r?: RequestOptions) => this.call(api.deleteMember, { path: { id } }, r),
  };

  readonly invitations = {
    list: (query?: Query<typeof api.listInvitations>, r?: RequestOptions) => this.list(api.listInvitations, { query }, r),
    create: (body: Body<typeof api.createInvitation>, r?: RequestOptions) => this.call(api.createInvitation, { body }, r),
    revoke: (id: string, r?: RequestOptions) => this.call(api.deleteInvitation, { path: { id } }, r),
    accept: (body: Body<typeof api.acceptInvitation>, r?: RequestOptions) => this.call(api.acceptInvitation, { body }, r),
  };

  readonly apiKeys = {
    list: (query?: Query<typeof api.listApiKeys>, r?: RequestOptions) => this.list(api.listApiKeys, { query }, r),
    create: (body: Body<typeof api.createApiKey>, r?: RequestOptions) => this.call(api.createApiKey, { body }, r),
    get: (id: string, r?: RequestOptions) => this.call(api.getApiKey, { path: { id } }, r),
    roll: (id: string, body: Body<typeof api.rollApiKey> = {}, r?: RequestOptions) => this.call(api.rollApiKey, { path: { id }, body }, r),
    revoke: (id: string, r?: RequestOptions) => this.call(api.deleteApiKey, { path: { id } }, r),
  };

  readonly customers = {
    list: (query?: Query<typeof api.listCustomers>, r?: RequestOptions) => this.list(api.listCustomers, { query }, r),
    create: (body: Body<typeof api.createCustomer>, r?: RequestOptions) => this.call(api.createCustomer, { body }, r),
    get: (id: string, r?: RequestOptions) => this.call(api.getCustomer, { path: { id } }, r),
    update: (id: string, body: Body<typeof api.updateCustomer>, r?: RequestOptions) => this.call(api.updateCustomer, { path: { id }, body }, r),
    delete: (id: string, r?: RequestOptions) => this.call(api.deleteCustomer, { path: { id } }, r),
  };

  readonly events = {
    list: (query?: Query<typeof api.listEvents>, r?: RequestOptions) => this.list(api.listEvents, { query }, r),
    get: (id: string, r?: RequestOptions) => this.call(api.getEvent, { path: { id } }, r),
  };

  readonly eventTypes = {
    list: (r?: RequestOptions) => this.call(api.listEventTypes, {}, r),
  };

  readonly webhookEndpoints = {
    list: (query?: Query<typeof api.listWebhookEndpoints>, r?: RequestOptions) => this.list(api.listWebhookEndpoints, { query }, r),
    create: (body: Body<typeof api.createWebhookEndpoint>, r?: RequestOptions) => this.call(api.createWebhookEndpoint, { body }, r),
    get: (id: string, r?: RequestOptions) => this.call(api.getWebhookEndpoint, { path: { id } }, r),
    update: (id: string, body: Body<typeof api.updateWebhookEndpoint>, r?: RequestOptions) => this.call(api.updateWebhookEndpoint, { path: { id }, body }, r),
    delete: (id: string, r?: RequestOptions) => this.call(api.deleteWebhookEndpoint, { path: { id } }, r),
    rotateSecret: (id: string, r?: RequestOptions) => this.call(api.rotateWebhookEndpointSecret, { path: { id } }, r),
    test: (id: string, r?: RequestOptions) => this.call(api.testWebhookEndpoint, { path: { id } }, r),
    replay: (id: string, body: Body<typeof api.replayWebhookEndpoint>, r?: RequestOptions) => this.call(api.replayWebhookEndpoint, { path: { id }, body }, r),
    listDeliveries: (id: string, query?: Query<typeof api.listWebhookDeliveries>, r?: RequestOptions) =>
      this.list(api.listWebhookDeliveries, { path: { id }, query }, r),
    portalSession: (r?: RequestOptions) => this.call(api.createWebhookPortalSession, {}, r),
  };

  readonly webhookDeliveries = {
    retry: (id: string, r?: RequestOptions) => this.call(api.retryWebhookDelivery, { path: { id } }, r),
  };

  readonly auditLogs = {
    list: (query?: Query<typeof api.listAuditLogs>, r?: RequestOptions) => this.list(api.listAuditLogs, { query }, r),
    verify: (r?: RequestOptions) => this.call(api.verifyAuditLogs, {}, r),
    createExport: (body: Body<typeof api.createAuditLogExport>, r?: RequestOptions) => this.call(api.createAuditLogExport, { body }, r),
    getExport: (id: string, r?: RequestOptions) => this.call(api.getAuditLogExport, { path: { id } }, r),
    /** The finished export's file, as text (CSV or NDJSON). */
    downloadExport: (id: string, r?: RequestOptions) =>
      this.call(
        api.downloadAuditLogExport,
        { path: { id }, parseAs: 'text' } as Omit<Opts<typeof api.downloadAuditLogExport>, 'client'>,
        r,
      ) as Promise<unknown> as Promise<string>,
  };

  readonly sso = {
    connections: {
      list: (query?: Query<typeof api.listSsoConnections>, r?: RequestOptions) => this.list(api.listSsoConnections, { query }, r),
      create: (body: Body<typeof api.createSsoConnection>, r?: RequestOptions) => this.call(api.createSsoConnection, { body }, r),
      get: (id: string, r?: RequestOptions) => this.call(api.getSsoConnection, { path: { id } }, r),
      update: (id: string, body: Body<typeof api.updateSsoConnection>, r?: RequestOptions) => this.call(api.updateSsoConnection, { path: { id }, body }, r),
      delete: (id: string, r?: RequestOptions) => this.call(api.deleteSsoConnection, { path: { id } }, r),
      /** Plinth's SAML service-provider metadata XML for this connection, to upload at the IdP. */
      samlMetadata: (id: string, r?: RequestOptions) =>
        this.call(
          api.getSsoConnectionSamlMetadata,
          { path: { id }, parseAs: 'text' } as Omit<Opts<typeof api.getSsoConnectionSamlMetadata>, 'client'>,
          r,
        ) as Promise<unknown> as Promise<string>,
    },
    scimTokens: {
      list: (query?: Query<typeof api.listScimTokens>, r?: RequestOptions) => this.list(api.listScimTokens, { query }, r),
      create: (body: Body<typeof api.createScimToken>, r?: RequestOptions) => this.call(api.createScimToken, { body }, r),
      revoke: (id: string, r?: RequestOptions) => this.call(api.revokeScimToken, { path: { id } }, r),
    },
    /**
     * The URL of `GET /v1/sso/authorize` to send the user's browser to (a redirect flow: not fetched).
     * Exchange the `code` that comes back to your `redirect_uri` with `exchangeCode`.
     */
    authorizationUrl: (query: Query<typeof api.authorizeSso>): string => {
      const url = new URL(`${this.client.getConfig().baseUrl}/v1/sso/authorize`);
      for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      return url.href;
    },
    exchangeCode: (body: Body<typeof api.exchangeSsoCode>, r?: RequestOptions) => this.call(api.exchangeSsoCode, { body }, r),
  };
}
