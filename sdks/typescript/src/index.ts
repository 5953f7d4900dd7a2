// Hand-written entry point of @plinth/sdk. The operations and types in ./generated are generated from
// openapi/openapi.json (npm run generate) and never edited; the client, errors, pagination and
// webhook verification live here, beside them.
import { createClient, createConfig, type Client } from './generated/client/index.js';

export { Plinth, type PlinthOptions, type RequestOptions } from './plinth.js';
export { API_VERSION } from './api-version.js';
export {
  PlinthError,
  InvalidRequestError,
  AuthenticationError,
  PermissionError,
  NotFoundError,
  ConflictError,
  RateLimitError,
  ApiError,
  ConnectionError,
  type FieldError,
  type ProblemBody,
} from './errors.js';
export { PagePromise, type Page } from './pagination.js';
export { verifyWebhook, WebhookVerificationError } from './webhooks.js';
export * from './generated/sdk.gen.js';
export type * from './generated/types.gen.js';
export type { Client } from './generated/client/index.js';

/** Options for the low-level client (the `Plinth` class is the usual entry point). */
export interface PlinthClientOptions {
  baseUrl: string;
  apiKey?: string;
  accessToken?: string;
  tenant?: string;
}

/** A configured low-level client to pass as `{ client }` to any generated operation. */
export function createPlinthClient(options: PlinthClientOptions): Client {
  const token = options.apiKey ?? options.accessToken;
  return createClient(
    createConfig({
      baseUrl: options.baseUrl.replace(/\/$/, ''),
      ...(token ? { auth: () => token } : {}),
      headers: options.tenant ? { 'Plinth-Tenant': options.tenant } : undefined,
    }),
  );
}
