/**
 * The operations of openapi/openapi.json, with what the contract-driven suites (security, fuzz) need
 * to call each one: a valid sample body, and a factory for the object an `{id}` path names. Each module
 * gives them for its own operations in `modules/<m>/<m>.fixtures.ts` (see support/fixtures.ts); a new
 * operation without them fails both suites.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec } from '../../src/app';
import { registry } from '../../src/modules/index';
import type { ModuleFixtures, ObjectFactory, SampleBody } from './fixtures';

export { PUBLIC_URL, type MadeObject } from './fixtures';

const MODULES_DIR = join(__dirname, '..', '..', 'src', 'modules');
const FIXTURE_EXPORTS = ['bodies', 'objectFactories', 'prepare'];

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

/**
 * Each registry module's fixtures, `modules/<m>/<m>.fixtures.ts` where it has one: the list of
 * modules is the registry's, so a new module brings its fixtures without an edit here.
 */
export const moduleFixtures: Record<string, ModuleFixtures> = Object.fromEntries(
  registry.modules.flatMap((m) => {
    const file = join(MODULES_DIR, m.name, `${m.name}.fixtures.ts`);
    if (!existsSync(file)) return [];
    // jest's require, not Node's: the file goes through the suite's transform and module registry.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(file) as ModuleFixtures & Record<string, unknown>;
    const unknown = Object.keys(exported).filter((k) => k !== '__esModule' && !FIXTURE_EXPORTS.includes(k));
    if (unknown.length) throw new Error(`${m.name}.fixtures.ts exports ${unknown.join(', ')}: a module's fixtures are ${FIXTURE_EXPORTS.join(', ')}`);
    return [[m.name, exported]];
  }),
);

/** Every module's entries in one table, refusing a key that two modules both give. */
function merged<T>(what: string, pick: (f: ModuleFixtures) => Record<string, T> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  const owner: Record<string, string> = {};
  for (const [module, fixtures] of Object.entries(moduleFixtures)) {
    for (const [key, value] of Object.entries(pick(fixtures) ?? {})) {
      if (Object.hasOwn(out, key)) throw new Error(`${what} '${key}' is given by both ${owner[key]} and ${module}`);
      out[key] = value;
      owner[key] = module;
    }
  }
  return out;
}

/** Makes what the sample bodies need beyond constants; call it once before using `bodies`. */
export async function prepareSamples(): Promise<void> {
  for (const fixtures of Object.values(moduleFixtures)) await fixtures.prepare?.();
}

/** A valid body per operation, so that only what a test changes can fail. */
export const bodies: Record<string, SampleBody> = merged('sample body', (f) => f.bodies);

/** The sub-resource suffixes of `{id}` paths: `/v1/api-keys/{id}/roll` names an API key. */
export const SUFFIXES = /\/(suspend|resume|roll|rotate-secret|test|deliveries|replay|retry|download|saml-metadata)$/;

/** Creates, in `owner`, the object an `{id}` path names (keyed by the path without its suffix). */
export const objectFactories: Record<string, ObjectFactory> = merged('object factory', (f) => f.objectFactories);
