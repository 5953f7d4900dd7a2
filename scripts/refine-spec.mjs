// Completes what tsoa cannot express in openapi/openapi.json, after it writes the file:
//   - errors are documented as application/problem+json (what the server sends), not application/json;
//   - the responses every operation can get from the shared middleware, before its controller runs:
//     400/413/415/422 for a request body, 401/403/404/429 for credentials, Plinth-Tenant and limits;
//   - the Plinth-Version request header and response header (api/src/core/http/api-versions.json).
// The routes are generated separately, so this changes the contract's documentation only.
import { readFileSync, writeFileSync } from 'node:fs';

const problem = (description) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

const BODY = {
  400: 'Malformed JSON, or JSON nested deeper than 64 levels or with more than 1,000 keys in an object',
  413: 'The body is larger than BODY_LIMIT',
  415: 'The body is not application/json',
  422: 'Invalid fields',
};
/** Query parameters are validated like bodies: a wrong type or bound is a 422 naming the parameter. */
const QUERY = { 422: 'Invalid fields' };
const AUTHENTICATED = {
  401: 'Missing or invalid credentials',
  403: 'Missing permission, or the tenant is suspended',
  404: 'No such object, or Plinth-Tenant names a tenant outside yours',
};
const ALWAYS = {
  400: 'Malformed request: invalid percent-encoding, a NUL byte or an unpaired surrogate in the path, query or body (invalid_encoding)',
  429: 'Rate limited (see Retry-After)',
  431: 'Request headers or URL larger than the server accepts (16 KB in all)',
  500: 'Something went wrong on our side (quote the request id)',
  503: 'The database is unreachable for a moment (database_unavailable): retry after Retry-After',
};

// Bounds for strings in response-only schemas, by field name (the contract validation in the tests
// checks every response against them). Request schemas are never touched here: their bounds are
// tsoa annotations in the DTOs, enforced at run time.
const STRING_BOUNDS = [
  [/^(id|.*_id)$/, 64],
  [/_at$|^(created|updated|occurred)$/, 40],
  [/^(email)$/, 320],
  [/(^|_)url$/, 2048],
  [/^(access_token)$/, 1024],
  [/^(secret|token|refresh_token)$/, 256],
  [/^(hash|prev_hash)$/, 64],
  [/^(prefix|last4|object|token_type|mode|kind|status|format)$/, 32],
  [/^(ip)$/, 64],
  [/^(user_agent)$/, 512],
  [/excerpt$/, 1024],
];
const STRING_FALLBACK = 10_000;

function boundResponseSchema(node, key = '') {
  if (Array.isArray(node)) return node.forEach((n) => boundResponseSchema(n, key));
  if (!node || typeof node !== 'object' || node.$ref) return;
  if (node.type === 'string' && node.maxLength === undefined && !node.enum && node.const === undefined) {
    node.maxLength = STRING_BOUNDS.find(([re]) => re.test(key))?.[1] ?? STRING_FALLBACK;
  }
  if (node.type === 'integer' && (node.minimum === undefined || node.maximum === undefined)) {
    node.minimum ??= 0;
    node.maximum ??= 2147483647;
  }
  if (node.type === 'array' && node.maxItems === undefined) node.maxItems = 1000;
  for (const [k, v] of Object.entries(node.properties ?? {})) boundResponseSchema(v, k);
  if (node.items) boundResponseSchema(node.items, key);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') boundResponseSchema(node.additionalProperties, key);
  for (const list of ['allOf', 'anyOf', 'oneOf']) node[list]?.forEach((n) => boundResponseSchema(n, key));
}

/**
 * `$ref` must stand alone in OpenAPI 3.0: siblings such as a description move beside an `allOf`.
 * And `nullable` means nothing without `type`: a nullable `allOf` of an object gets `type: object`.
 */
function isolateRefs(node, schemas) {
  if (Array.isArray(node)) return node.forEach((n) => isolateRefs(n, schemas));
  if (!node || typeof node !== 'object') return;
  for (const value of Object.values(node)) isolateRefs(value, schemas);
  if (node.nullable && !node.type && node.allOf?.length === 1 && node.allOf[0].$ref) {
    const target = schemas[node.allOf[0].$ref.split('/').pop()];
    if (target?.type === 'object' || target?.properties || target?.additionalProperties) node.type = 'object';
  }
  if (node.$ref && Object.keys(node).length > 1) {
    const ref = node.$ref;
    delete node.$ref;
    node.allOf = [{ $ref: ref }];
  }
}

function requestSchemas(spec) {
  const reach = new Set();
  const visit = (n) => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    if (typeof n.$ref === 'string' && n.$ref.startsWith('#/components/schemas/')) {
      const name = n.$ref.split('/').pop();
      if (!reach.has(name)) {
        reach.add(name);
        visit(spec.components.schemas[name]);
      }
    }
    Object.values(n).forEach(visit);
  };
  for (const ops of Object.values(spec.paths)) for (const op of Object.values(ops)) if (op.requestBody) visit(op.requestBody);
  return reach;
}

// Examples: one request example per body and one response example per JSON response, built from the
// schema and the field examples the DTOs declare (api/test/contract.test.ts validates each one
// against its schema).
const FORMAT_EXAMPLES = { 'date-time': '2026-11-22T10:00:00.000Z', date: '2026-11-22', email: 'jane@acme.com', byte: 'aWQsc2VxLG9jY3VycmVkX2F0Cg==' };

function exampleFor(spec, schema, depth = 0) {
  if (!schema || depth > 40) return undefined;
  if (schema.$ref) return exampleFor(spec, spec.components.schemas[schema.$ref.split('/').pop()], depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.allOf) {
    const parts = schema.allOf.map((s) => exampleFor(spec, s, depth + 1));
    return parts.every((p) => p && typeof p === 'object' && !Array.isArray(p)) ? Object.assign({}, ...parts) : parts[0];
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return exampleFor(spec, union.find((s) => s.type !== 'null') ?? union[0], depth + 1);
  if (schema.enum) return schema.enum.find((v) => v !== null) ?? schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'object': {
      const out = {};
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        const value = exampleFor(spec, prop, depth + 1);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    case 'array': {
      const item = exampleFor(spec, schema.items, depth + 1);
      return item === undefined ? [] : [item];
    }
    case 'string': {
      const text = FORMAT_EXAMPLES[schema.format] ?? 'string';
      return text.length < (schema.minLength ?? 0) ? text.padEnd(schema.minLength, 'x') : text;
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return schema.nullable ? null : {};
  }
}

// The reference's sections, in reading order.

/** `tags` come from the module manifests, in the module list's order (see scripts/registry.mjs). */
export function refineSpec(file, versionsFile, tags) {
  const spec = JSON.parse(readFileSync(file, 'utf8'));
  const { versions, current } = JSON.parse(readFileSync(versionsFile, 'utf8'));
  spec.components.parameters = {
    PlinthVersion: {
      name: 'Plinth-Version',
      in: 'header',
      required: false,
      description: `The API version (a date) the request is written against; without it, the current version (${current}) answers. An unknown version is a 400.`,
      schema: { type: 'string', enum: versions, default: current, example: current },
    },
  };
  const str = (example, maxLength = 64) => ({ type: 'string', maxLength, example });
  const int = (example) => ({ type: 'integer', format: 'int32', minimum: 0, maximum: 1000000, example });
  spec.components.headers = {
    'Plinth-Version': { description: 'The API version that answered.', schema: str(current, 10) },
    'Request-Id': { description: 'Quote it to support.', schema: str('req_01JDA4Y7Q5X3M8N2P6R9T0V1W2', 40) },
    'Access-Control-Allow-Origin': { description: 'Sent when the Origin header is one of CORS_ALLOWED_ORIGINS.', schema: str('https://app.example.com', 2048) },
    'RateLimit-Limit': { description: 'Requests per minute allowed for this credential (authenticated requests).', schema: int(1000) },
    'RateLimit-Remaining': { description: 'Requests left in the current window.', schema: int(987) },
    'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: int(42) },
    'Retry-After': { description: 'Seconds to wait before retrying.', schema: int(30) },
  };
  spec.info['x-plinth-api-versions'] = versions;
  for (const server of spec.servers ?? []) server['x-internal'] = false;
  spec.tags = tags.map(({ name, description }) => ({ name, description }));
  isolateRefs(spec.components.schemas, spec.components.schemas);
  // Metadata is checked by checkMetadata (core/http/validation.ts): at most 50 keys, values up to 500 characters.
  const metadata = spec.components.schemas['Record_string.string_'];
  if (metadata) {
    metadata.maxProperties = 50;
    metadata.additionalProperties = { ...metadata.additionalProperties, maxLength: 500 };
  }
  const requests = requestSchemas(spec);
  for (const [name, schema] of Object.entries(spec.components.schemas)) if (!requests.has(name)) boundResponseSchema(schema);
  for (const ops of Object.values(spec.paths)) {
    for (const op of Object.values(ops)) {
      op.parameters = [
        ...(op.parameters ?? []).filter((p) => p.$ref !== '#/components/parameters/PlinthVersion'),
        { $ref: '#/components/parameters/PlinthVersion' },
      ];
      const responses = (op.responses ??= {});
      const add = (table) => {
        for (const [status, description] of Object.entries(table)) responses[status] ??= problem(description);
      };
      if (op.requestBody) add(BODY);
      if (op.parameters?.some((p) => p.in === 'query')) add(QUERY);
      if (op.security?.length) add(AUTHENTICATED);
      add(ALWAYS);
      for (const [status, response] of Object.entries(responses)) {
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json) {
          delete response.content['application/json'];
          response.content['application/problem+json'] = json;
        }
      }
      const body = op.requestBody?.content?.['application/json'];
      if (body?.schema && body.example === undefined) body.example = exampleFor(spec, body.schema);
      for (const [status, response] of Object.entries(responses)) {
        const json = response.content?.['application/json'];
        if (json?.schema && Number(status) < 300 && json.example === undefined) json.example = exampleFor(spec, json.schema);
        for (const media of Object.values(response.content ?? {})) {
          if (media.schema && !media.schema.$ref) boundResponseSchema(media.schema);
          // A file download: PostgreSQL's text type (where exports are kept) holds at most 1 GiB.
          if (media.schema?.format === 'byte') media.schema.maxLength = 1073741824;
        }
        const header = (name) => ({ $ref: `#/components/headers/${name}` });
        const names = ['Plinth-Version', 'Request-Id', 'Access-Control-Allow-Origin', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
        if (status === '429' || status === '503') names.push('Retry-After');
        response.headers = Object.fromEntries(names.map((n) => [n, header(n)]));
      }
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  writeFileSync(file, JSON.stringify(spec, null, 2) + '\n');
}
