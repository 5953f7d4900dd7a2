// Per-operation code samples for the API reference (`x-codeSamples`, which Scalar shows beside each
// operation): a curl command and a call through the TypeScript SDK. The SDK call uses the names the
// SDK itself is generated with (scripts/sdk-namespaces.mjs: `plinth.customers.create`,
// `plinth.sso.connections.get`), with the path parameters, body and query in the order its methods
// take them. Samples address SAMPLE_BASE_URL; the reference page swaps in its own origin.
import { URLSearchParams } from 'node:url';
import { namespaceTree, OVERRIDES } from '../../scripts/sdk-namespaces.mjs';
import { deref, exampleOf, objectView } from './schema.mjs';

export const SAMPLE_BASE_URL = 'http://localhost:3000';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const camel = (s) => s.replace(/[-_]+([a-z0-9])/g, (_, c) => c.toUpperCase());
const singular = (s) => (s.endsWith('ies') ? `${s.slice(0, -3)}y` : s.endsWith('s') ? s.slice(0, -1) : s);
const ident = /^[A-Za-z_$][\w$]*$/;

/** operationId -> its SDK method path (['sso', 'connections', 'get']). */
function sdkNames(spec) {
  const names = new Map();
  const walk = (node, path) => {
    for (const [name, child] of node) {
      if (child instanceof Map) walk(child, [...path, name]);
      else names.set(child.id, { path: [...path, name], op: child });
    }
  };
  walk(namespaceTree(spec), []);
  return names;
}

/** A JS literal in the style of the SDK's README (single quotes, unquoted keys), indented. */
function literal(value, indent = '') {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => literal(v)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join('\n')}\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return '{}';
    const key = (k) => (ident.test(k) ? k : `'${k}'`);
    const oneLine = `{ ${entries.map(([k, v]) => `${key(k)}: ${literal(v, inner)}`).join(', ')} }`;
    if (oneLine.length <= 80 && !oneLine.includes('\n')) return oneLine;
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},`).join('\n')}\n${indent}}`;
  }
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return JSON.stringify(value);
}

const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

const idOf = (schema) => (typeof schema?.properties?.id?.example === 'string' ? schema.properties.id.example : undefined);

/**
 * An example id for a path parameter: that of the object at that path (`{id}` of
 * /v1/customers/{id}/...: GET /v1/customers/{id} answers a customer), else of the object the
 * operation answers, else of a schema named like the parameter or its collection.
 */
function idExample(spec, path, name, result) {
  const prefix = path.slice(0, path.indexOf(`{${name}}`) + name.length + 2);
  const get = spec.paths[prefix]?.get;
  const answer = get && Object.values(deref(spec, get.responses?.['200'])?.content ?? {})[0]?.schema;
  const found = idOf(objectView(spec, answer)) ?? (prefix === path ? idOf(result) : undefined);
  if (found) return found;
  const segments = prefix.split('/');
  const noun = (name === 'id' ? singular(segments.at(-2)) : name.replace(/_id$/, '')).replace(/[-_]/g, '').toLowerCase();
  const schema = Object.entries(spec.components?.schemas ?? {}).find(([n, s]) => n.toLowerCase().includes(noun) && idOf(s))?.[1];
  return idOf(schema) ?? idOf(result) ?? name.toUpperCase();
}

/** Example values of an operation's inputs. */
function inputs(spec, path, op) {
  const params = [...(spec.paths[path].parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(spec, p));
  const success = Object.entries(op.responses ?? {}).find(([code]) => /^2/.test(code))?.[1];
  const result = objectView(spec, Object.values(deref(spec, success)?.content ?? {})[0]?.schema);
  const pathValues = Object.fromEntries(
    params.filter((p) => p.in === 'path').map((p) => [p.name, p.example ?? p.schema?.example ?? idExample(spec, path, p.name, result)]),
  );
  const paginated = params.some((p) => p.in === 'query' && p.name === 'starting_after');
  const query = Object.fromEntries(
    params
      .filter((p) => p.in === 'query' && (p.required || (paginated && p.name === 'limit')))
      .map((p) => [p.name, p.name === 'limit' ? 20 : exampleOf(spec, p.schema, { name: p.name })]),
  );
  const content = deref(spec, op.requestBody)?.content ?? {};
  const [mediaType, media] = Object.entries(content)[0] ?? [];
  let body = media && exampleOf(spec, media.schema, { minimal: true });
  if (body && typeof body === 'object' && !Object.keys(body).length) {
    // Nothing required and no examples (an update): show one field.
    const view = objectView(spec, media.schema);
    const [key, prop] = Object.entries(view?.properties ?? {})[0] ?? [];
    if (key) body = { [key]: exampleOf(spec, prop, { name: key }) };
  }
  return { pathValues, query, body, mediaType, paginated, security: (op.security ?? []).flatMap((s) => Object.keys(s)) };
}

function curl(path, method, input) {
  const url = `${SAMPLE_BASE_URL}${path.replace(/\{([^}]+)\}/g, (_, name) => encodeURIComponent(input.pathValues[name]))}`;
  const qs = new URLSearchParams(Object.entries(input.query).map(([k, v]) => [k, String(v)])).toString();
  const target = qs ? `"${url}?${qs}"` : url;
  const lines = [`curl ${method === 'get' ? '' : `-X ${method.toUpperCase()} `}${target}`];
  if (input.security.includes('apiKey')) lines.push('-H "Authorization: Bearer $PLINTH_API_KEY"');
  else if (input.security.includes('session')) lines.push('-H "Authorization: Bearer $PLINTH_ACCESS_TOKEN"');
  if (input.body !== undefined && input.mediaType === 'application/json') {
    lines.push("-H 'Content-Type: application/json'", `-d ${shellQuote(JSON.stringify(input.body))}`);
  } else if (input.body !== undefined) {
    for (const [k, v] of Object.entries(input.body)) lines.push(`--data-urlencode ${shellQuote(`${k}=${v}`)}`);
  }
  return lines.join(' \\\n  ');
}

function sdk(names, op, input) {
  const named = names.get(op.operationId);
  if (!named) {
    const reason = OVERRIDES[op.operationId]?.skip ?? 'this operation is not part of the SDK';
    return `// No SDK method: ${reason}.\n// Use the curl sample, or any HTTP client.`;
  }
  const { path: methodPath, op: info } = named;
  const args = [
    ...info.pathParams.map((p) => literal(input.pathValues[p.name])),
    ...(info.body ? [literal(input.body ?? {}, '  ')] : []),
    ...(info.queryParams.length && Object.keys(input.query).length ? [literal(input.query, '  ')] : []),
  ];
  const call = `plinth.${methodPath.join('.')}(${args.join(', ')})`;
  const credential = input.security.includes('apiKey')
    ? ', apiKey: process.env.PLINTH_API_KEY'
    : input.security.includes('session')
      ? ', accessToken: process.env.PLINTH_ACCESS_TOKEN'
      : '';
  const noun = camel(singular(methodPath.at(-2)));
  const verb = methodPath.at(-1);
  let body;
  if (info.redirect) {
    body = [`  // A browser flow: send the browser to this URL.`, `  const url = ${call};`, `  console.log(url);`];
  } else if (input.paginated) {
    body = [`  // Every page, fetched as the loop reaches it.`, `  for await (const ${noun} of ${call}) {`, `    console.log(${noun});`, `  }`];
  } else if (info.text) {
    body = [`  const text = await ${call};`, `  console.log(text);`];
  } else if (Object.keys(op.responses ?? {}).some((c) => /^2/.test(c) && op.responses[c].content)) {
    const name = ['create', 'get', 'update', 'retrieve'].includes(verb) && ident.test(noun) ? noun : 'result';
    body = [`  const ${name} = await ${call};`, `  console.log(${name});`];
  } else {
    body = [`  await ${call};`];
  }
  return [
    "import { Plinth } from '@plinth/sdk';",
    '',
    `const plinth = new Plinth({ baseUrl: '${SAMPLE_BASE_URL}'${credential} });`,
    '',
    'async function main() {',
    ...body,
    '}',
    '',
    'main().catch((err) => {',
    '  console.error(err);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
}

export const SAMPLE_LABELS = { curl: 'curl', sdk: 'TypeScript SDK' };

/** Adds `x-codeSamples` (curl, then the SDK) to every operation of `spec`, in place. */
export function addCodeSamples(spec) {
  const names = sdkNames(spec);
  let count = 0;
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const input = inputs(spec, path, op);
      op['x-codeSamples'] = [
        { lang: 'shell', label: SAMPLE_LABELS.curl, source: curl(path, method, input) },
        { lang: 'typescript', label: SAMPLE_LABELS.sdk, source: sdk(names, op, input) },
      ];
      count++;
    }
  }
  return count;
}
