import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface OpenApiSpec {
  paths: Record<string, unknown>;
  components: { schemas: Record<string, unknown> };
  [key: string]: unknown;
}

let cached: OpenApiSpec | undefined;

/** A path under the repository root, found from the source tree (dev, tests) or the built tree (dist/, Docker). */
export function findInRepo(relative: string): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** The committed contract, found from the source tree (dev, tests) or the built tree (dist/, Docker). */
export function loadSpec(): OpenApiSpec {
  if (cached) return cached;
  const file = findInRepo(join('openapi', 'openapi.json'));
  if (!file) throw new Error('openapi/openapi.json not found; run npm run generate');
  return (cached = JSON.parse(readFileSync(file, 'utf8')) as OpenApiSpec);
}

/** A component schema with every `$ref` inlined: a self-contained JSON Schema for one event type. */
export function resolvedSchema(name: string, spec: OpenApiSpec = loadSpec()): unknown {
  const schemas = spec.components.schemas;
  const inline = (node: unknown, seen: string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => inline(n, seen));
    if (!node || typeof node !== 'object') return node;
    const ref = (node as { $ref?: string }).$ref;
    if (ref?.startsWith('#/components/schemas/')) {
      const target = ref.slice('#/components/schemas/'.length);
      if (seen.includes(target)) return {};
      return inline(schemas[target], [...seen, target]);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, seen)]));
  };
  return schemas[name] === undefined ? undefined : inline(schemas[name], [name]);
}
