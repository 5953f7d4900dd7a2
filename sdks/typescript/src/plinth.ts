import { API_VERSION } from './api-version.js';
import { createClient, createConfig, type Client } from './generated/client/index.js';
import { ConnectionError, errorFromResponse, PlinthError } from './errors.js';
import { PlinthNamespaces } from './namespaces.gen.js';
import type { Item, Op, Opts, RequestOptions, Result } from './operations.js';
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

export type { RequestOptions } from './operations.js';

/**
 * The Plinth client: one namespace per resource, typed from the contract. The namespaces and their
 * methods are generated from openapi/openapi.json into ./namespaces.gen.ts (scripts/sdk-namespaces.mjs);
 * this class adds what every call shares: options, retries, typed errors and pagination.
 *
 * ```ts
 * const plinth = new Plinth({ apiKey: process.env.PLINTH_API_KEY!, baseUrl: 'http://localhost:3000' });
 * const customer = await plinth.customers.create({ name: 'Ada' });
 * for await (const c of plinth.customers.list({ limit: 50 })) console.log(c.id);
 * ```
 */
export class Plinth extends PlinthNamespaces {
  /** Verifies a webhook's signature and returns its typed event (`await Plinth.webhooks.verify(body, headers, secret)`). */
  static readonly webhooks = { verify: verifyWebhook };
  readonly webhooks = Plinth.webhooks;

  /** The configured generated client, for calling generated operations directly: `getCustomer({ client: plinth.client, ... })`. */
  readonly client: Client;

  constructor(options: PlinthOptions) {
    super();
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

  protected override async call<F extends Op>(fn: F, options: Omit<Opts<F>, 'client'>, request?: RequestOptions): Promise<Result<F>> {
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

  protected override list<F extends Op>(fn: F, options: Omit<Opts<F>, 'client'> & { query?: object }, request?: RequestOptions): PagePromise<Item<F>> {
    return new PagePromise<Item<F>>(
      (cursor) =>
        this.call(
          fn,
          { ...options, query: { ...(options.query ?? {}), ...(cursor ? { starting_after: cursor } : {}) } } as Omit<Opts<F>, 'client'>,
          request,
        ) as Promise<Page<Item<F>>>,
    );
  }

  protected override async text<F extends Op>(fn: F, options: Omit<Opts<F>, 'client'>, request?: RequestOptions): Promise<string> {
    return (await this.call(fn, { ...options, parseAs: 'text' } as Omit<Opts<F>, 'client'>, request)) as unknown as string;
  }

  protected override url(path: string, query: object = {}): string {
    const url = new URL(`${this.client.getConfig().baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.href;
  }
}
