// Types over the generated operation functions (./generated/sdk.gen.ts), shared by the generated
// namespaces (./namespaces.gen.ts) and the hand-written Plinth class (./plinth.ts).
import type { Page } from './pagination.js';

/** Per-call overrides. */
export interface RequestOptions {
  /**
   * For POST methods (create, and actions such as `rollSecret`): defaults to a new random key per call,
   * reused across that call's retries. Plinth refuses the header on other methods
   * (`idempotency_key_not_allowed`): updates and deletes can be retried as they are.
   */
  idempotencyKey?: string;
  tenant?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

/** A generated operation function. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Op = (options: any) => Promise<{ data?: unknown; error?: unknown; response?: Response }>;
/** Its options (`{ client, path, query, body, ... }`). */
export type Opts<F extends Op> = NonNullable<Parameters<F>[0]>;
/** Its request body. */
export type Body<F extends Op> = Opts<F> extends { body: infer B } ? B : Opts<F> extends { body?: infer B } ? B : never;
/** Its query parameters. */
export type Query<F extends Op> = Opts<F> extends { query?: infer Q } ? NonNullable<Q> : never;
/** Its successful response body. */
export type Result<F extends Op> = NonNullable<Awaited<ReturnType<F>>['data']>;
/** The object a list operation pages through. */
export type Item<F extends Op> = Result<F> extends Page<infer T> ? T : never;
