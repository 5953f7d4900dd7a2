import type { NextFunction, Request, Response } from 'express';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OpenApiSpec } from '../../src/core/spec';

// ajv-formats is CommonJS with a default export.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

/** An Ajv for OpenAPI 3.0 schemas (after openApiToJsonSchema), with the string formats. */
export function createAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * Checks every response the test suite produces against `openapi/openapi.json`: the status must be
 * documented for the operation, errors must be problem+json, and the body must match the
 * documented schema. Mismatches are collected; the test app's `close()` fails the suite with them.
 */
export class ContractValidator {
  readonly mismatches: string[] = [];
  readonly checked = new Set<string>();
  responses = 0;
  private readonly ajv = createAjv();
  private readonly routes: { method: string; pattern: RegExp; literal: boolean; op: Operation }[];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly components: unknown;

  constructor(private readonly spec: OpenApiSpec) {
    this.components = openApiToJsonSchema(spec.components);
    this.routes = Object.entries(spec.paths as Record<string, Record<string, Operation>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        literal: !path.includes('{'),
        op,
      })),
    );
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const chunks: Buffer[] = [];
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => Response;
      const keep = (chunk: unknown) => {
        if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        keep(chunk);
        return write(chunk, ...rest);
      }) as Response['write'];
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        keep(chunk);
        return end(chunk, ...rest);
      }) as Response['end'];
      res.on('finish', () => this.check(req.method, req.originalUrl, res.statusCode, String(res.getHeader('content-type') ?? ''), Buffer.concat(chunks)));
      next();
    };
  }

  check(method: string, url: string, status: number, contentType: string, body: Buffer): void {
    const path = url.split('?')[0]!;
    const matches = this.routes.filter((r) => r.method === method && r.pattern.test(path));
    const route = matches.find((r) => r.literal) ?? matches[0];
    if (!route) return; // not an API operation (health checks, docs, an unknown route's 404)
    const where = `${method} ${path} -> ${status} (${route.op.operationId})`;
    this.checked.add(route.op.operationId);
    this.responses += 1;
    const documented = route.op.responses[String(status)] ?? route.op.responses.default;
    if (!documented) return void this.mismatches.push(`${where}: status ${status} is not documented`);
    const media = contentType.split(';')[0]!.trim();
    if (status >= 400 && media !== 'application/problem+json') return void this.mismatches.push(`${where}: error answered as '${media}', not problem+json`);
    if (!documented.content) {
      if (body.length) this.mismatches.push(`${where}: a body was sent where none is documented`);
      return;
    }
    const docMedia = documented.content[media];
    if (!docMedia) return void this.mismatches.push(`${where}: content type '${media}' is not documented (${Object.keys(documented.content).join(', ')})`);
    if ((media !== 'application/json' && media !== 'application/problem+json') || !docMedia.schema) return;
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return void this.mismatches.push(`${where}: the body is not JSON`);
    }
    const key = `${route.op.operationId}|${status}|${media}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ components: this.components, allOf: [openApiToJsonSchema(docMedia.schema)] });
      this.compiled.set(key, validate);
    }
    if (!validate(value)) {
      const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`);
      this.mismatches.push(`${where}: body does not match the schema: ${errors.join('; ')} in ${JSON.stringify(value).slice(0, 300)}`);
    }
  }
}

/** OpenAPI 3.0's `nullable: true` (also beside `allOf`/`$ref`) as JSON Schema: `anyOf` with `null`. */
export function openApiToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, openApiToJsonSchema(v)]));
  if (nullable !== true) return converted;
  const { description, ...schema } = converted;
  if (schema.enum) schema.enum = [...(schema.enum as unknown[]), null];
  return { ...(description ? { description } : {}), anyOf: [schema, { type: 'null' }] };
}
