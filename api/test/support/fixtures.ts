/**
 * What a module gives the contract-driven suites (security, fuzz, invariants/mutations) so they can
 * call its operations: `modules/<m>/<m>.fixtures.ts` exports any of these, and support/operations.ts
 * assembles them over the registry's modules.
 */
import type { TestApp, TestTenant } from '../harness';

/** A valid request body for an operation; `n` makes it unique where the operation needs that. */
export type SampleBody = (n: number) => unknown;

/** An object made in a tenant for an `{id}` path: its id, and how its owner reads it back. */
export type MadeObject = { id: string; read: () => Promise<unknown> };

/** Creates, in `owner`, the object an `{id}` path names. */
export type ObjectFactory = (t: TestApp, owner: TestTenant) => Promise<MadeObject>;

export interface ModuleFixtures {
  /** A valid body per operationId of the module's operations, so that only what a test changes can fail. */
  bodies?: Record<string, SampleBody>;
  /** A factory per `{id}` path of the module, keyed by the path without its sub-resource suffix. */
  objectFactories?: Record<string, ObjectFactory>;
  /** Makes what the bodies need beyond constants; support/operations.ts runs it once per file. */
  prepare?: () => Promise<void>;
}

/** A public address literal: passes the SSRF guard without DNS (nothing is ever sent to it by these suites). */
export const PUBLIC_URL = 'https://93.184.215.14/hooks';
