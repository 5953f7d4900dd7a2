// Hand-written entry point of @plinth/sdk. The operations and types in ./generated are generated from
// openapi/openapi.json (npm run generate) and never edited; helpers live here, beside them.
import { createClient, createConfig, type Client } from './generated/client/index.js';

export * from './generated/sdk.gen.js';
export type * from './generated/types.gen.js';
export type { Client } from './generated/client/index.js';

export interface PlinthOptions {
  /** Where Plinth runs, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** A secret API key (`sk_live_...`) or a session access token. */
  apiKey?: string;
  accessToken?: string;
  /** Act inside a descendant tenant (sent as `Plinth-Tenant`). */
  tenant?: string;
}

/** A configured client to pass as `{ client }` to any operation. */
export function createPlinthClient(options: PlinthOptions): Client {
  const token = options.apiKey ?? options.accessToken;
  return createClient(
    createConfig({
      baseUrl: options.baseUrl.replace(/\/$/, ''),
      ...(token ? { auth: () => token } : {}),
      headers: options.tenant ? { 'Plinth-Tenant': options.tenant } : undefined,
    }),
  );
}
