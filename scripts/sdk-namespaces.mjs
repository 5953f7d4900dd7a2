#!/usr/bin/env node
// Generates the SDK's resource namespaces (plinth.customers.list, plinth.sso.connections.get, ...)
// from openapi/openapi.json into sdks/typescript/src/namespaces.gen.ts. scripts/generate.mjs runs it
// after @hey-api/openapi-ts; `node scripts/sdk-namespaces.mjs` runs it alone.
//
// Names come from the contract:
//   - the namespace is the operation's resource, read from its path: the first static prefix that is
//     a collection (it has /{id} below it, or a paginated GET), camelCased, nested when the collection
//     sits in a group (/v1/webhook-endpoints/{id}/test -> webhookEndpoints, /v1/sso/connections ->
//     sso.connections); without a collection, the first segment (/v1/auth/login -> auth);
//   - the method is the operationId without that resource's noun right after the verb
//     (createCustomer -> create, rotateWebhookEndpointSecret -> rotateSecret, exchangeSsoCode ->
//     exchangeCode), or the whole operationId when the noun is not there (auth.requestPasswordReset).
// Tags do not decide names: several tags hold more than one of today's namespaces (Webhooks holds
// webhookEndpoints and webhookDeliveries, Roles holds permissions, Events holds eventTypes,
// Sessions holds mfa), and only the path tells sso.connections (nested) from webhookEndpoints (flat).
// Tags document the namespaces, and order them as the reference does.
// OVERRIDES lists the published names the rules do not give, each with its reason; the generator
// fails on a stale or redundant override and on two operations with one name.
//
// What each method does also comes from the contract:
//   - a GET with a `starting_after` query parameter returns a PagePromise (await the first page, or
//     `for await` over every object);
//   - a response that is not JSON (CSV, NDJSON, XML) is read as text: Promise<string>;
//   - a GET that answers a redirect (a browser flow) is not fetched: the method returns its URL;
//   - the arguments are the path parameters in order, then the body, then the query, then the
//     per-call RequestOptions; the body of an action (a POST below an item, not a create or update)
//     whose fields are all optional may be left out.
// Typed errors, retries and idempotency keys are the Plinth class's call(), shared by every method.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';

/** operationId -> the published name (`namespace.method`), or `skip`: each with why the rules do not give it. */
export const OVERRIDES = {
  getMe: { name: 'auth.me', reason: '/v1/me is the signed-in user: published beside login and signup in auth, not as a `me` namespace' },
  getMfaStatus: { name: 'mfa.status', reason: 'two-factor settings (/v1/me/mfa) are their own namespace; the method reads as a noun' },
  startTotpEnrollment: { name: 'mfa.startTotp', reason: 'published in the mfa namespace, shortened' },
  confirmTotpEnrollment: { name: 'mfa.confirmTotp', reason: 'published in the mfa namespace, shortened' },
  disableTotp: { name: 'mfa.disableTotp', reason: 'published in the mfa namespace (the path is under /v1/me)' },
  completeMfaLogin: { name: 'auth.completeMfa', reason: 'published short name of the second login step' },
  refreshSession: { name: 'auth.refresh', reason: 'published short name; the session noun is implied in auth' },
  deleteMember: { name: 'members.remove', reason: 'a member is removed from the tenant, not deleted (the user stays)' },
  deleteInvitation: { name: 'invitations.revoke', reason: 'an invitation is revoked (its summary says so)' },
  deleteSession: { name: 'sessions.revoke', reason: 'a session is revoked (signing a device out)' },
  deleteApiKey: { name: 'apiKeys.revoke', reason: 'a key is revoked (its summary says so)' },
  createWebhookPortalSession: { name: 'webhookEndpoints.portalSession', reason: 'opens the endpoints portal: published with the endpoints' },
  listWebhookDeliveries: { name: 'webhookEndpoints.listDeliveries', reason: "an endpoint's deliveries, under /v1/webhook-endpoints/{id}" },
  getSsoConnectionSamlMetadata: { name: 'sso.connections.samlMetadata', reason: 'published as a noun: the XML to upload at the IdP' },
  authorizeSso: { name: 'sso.authorizationUrl', reason: 'a browser redirect: the method builds the URL to send the browser to' },
  consumeSamlResponse: { skip: 'the identity provider posts here from the browser (SAML ACS): no SDK method' },
  completeOidcSignIn: { skip: 'the identity provider redirects the browser here (OIDC callback): no SDK method' },
};

/** Members the hand-written Plinth class already has. */
const RESERVED = new Set(['client', 'webhooks', 'call', 'list', 'text', 'url', 'constructor']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const camel = (s) => s.replace(/[-_]+([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = (s) => camel(s).replace(/^./, (c) => c.toUpperCase());
const singular = (s) => (s.endsWith('ies') ? `${s.slice(0, -3)}y` : s.endsWith('s') ? s.slice(0, -1) : s);
const isParam = (segment) => segment.startsWith('{');
const isJson = (mediaType) => /^application\/([\w.-]+\+)?json$/.test(mediaType);

/** Reads the contract into one record per operation, with everything the namespaces need. */
export function operations(spec) {
  const ref = (node) =>
    node?.$ref
      ? node.$ref
          .split('/')
          .slice(1)
          .reduce((o, k) => o[k], spec)
      : node;
  const ops = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(ref);
      const success = Object.entries(op.responses ?? {}).filter(([code]) => /^[23]/.test(code));
      const body = op.requestBody ? ref(op.requestBody) : undefined;
      const bodySchema = ref(body?.content?.['application/json']?.schema);
      ops.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        segments: path.split('/').filter(Boolean).slice(1), // without the version
        tag: op.tags?.[0],
        summary: op.summary,
        description: op.description,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: body && { required: body.required === true, allOptional: bodySchema?.type === 'object' && !bodySchema.required?.length },
        redirect: success.length > 0 && success.every(([code]) => code.startsWith('3')),
        text: success.some(([, r]) => r.content) && success.every(([, r]) => !r.content || Object.keys(r.content).every((t) => !isJson(t))),
      });
    }
  }
  return ops;
}

/** Static path prefixes (without the version) that hold a collection: /{id} below them, or a paginated GET. */
function collections(ops) {
  const found = new Set();
  for (const op of ops) {
    const i = op.segments.findIndex(isParam);
    if (i > 0) found.add(op.segments.slice(0, i).join('/'));
    if (op.method === 'GET' && op.queryParams.some((p) => p.name === 'starting_after')) found.add(op.segments.join('/'));
  }
  return found;
}

/** The name the rules give an operation: [namespace..., method]. */
export function derivedName(op, colls) {
  const firstParam = op.segments.findIndex(isParam);
  const statics = firstParam === -1 ? op.segments : op.segments.slice(0, firstParam);
  let ns = [statics[0]];
  for (let n = 1; n <= statics.length; n++) {
    if (colls.has(statics.slice(0, n).join('/'))) {
      ns = statics.slice(0, n);
      break;
    }
  }
  const last = ns.at(-1);
  const nouns = [...new Set([pascal(ns.join('-')), pascal([...ns.slice(0, -1), singular(last)].join('-')), pascal(last), pascal(singular(last))])].sort(
    (a, b) => b.length - a.length,
  );
  const verb = op.id.match(/^[a-z]+/)[0];
  const rest = op.id.slice(verb.length);
  const noun = nouns.find((n) => rest.startsWith(n) && !/^[a-z]/.test(rest.slice(n.length)));
  return [...ns.map(camel), noun ? verb + rest.slice(noun.length) : op.id];
}

/** The SDK's namespace tree: { name: op | subtree }, in the order of the contract's tags, then of its paths. */
export function namespaceTree(spec) {
  const ops = operations(spec);
  const colls = collections(ops);
  const ids = new Set(ops.map((o) => o.id));
  for (const id of Object.keys(OVERRIDES)) if (!ids.has(id)) throw new Error(`sdk-namespaces: the override for ${id} names no operation in the contract`);
  const tagOrder = (spec.tags ?? []).map((t) => t.name);
  const rank = (op) => (tagOrder.includes(op.tag) ? tagOrder.indexOf(op.tag) : tagOrder.length);
  const sorted = ops.map((op, i) => ({ op, i })).sort((a, b) => rank(a.op) - rank(b.op) || a.i - b.i);

  const tree = new Map();
  const where = new Map();
  for (const { op } of sorted) {
    const override = OVERRIDES[op.id];
    if (override?.skip) continue;
    const derived = derivedName(op, colls);
    const name = override ? override.name.split('.') : derived;
    if (override && override.name === derived.join('.')) throw new Error(`sdk-namespaces: the override for ${op.id} is what the rules give: drop it`);
    if (name.length < 2) throw new Error(`sdk-namespaces: ${op.id} has no namespace`);
    if (RESERVED.has(name[0])) throw new Error(`sdk-namespaces: ${op.id} would be plinth.${name[0]}, which the Plinth class already has`);
    if (op.method !== 'GET' && op.redirect)
      throw new Error(`sdk-namespaces: ${op.id} (${op.method} answering a redirect) has no SDK shape: skip it in OVERRIDES`);
    let node = tree;
    for (const part of name.slice(0, -1)) {
      if (!node.has(part)) node.set(part, new Map());
      node = node.get(part);
      if (!(node instanceof Map)) throw new Error(`sdk-namespaces: ${name.join('.')} (${op.id}) is both a method and a namespace`);
    }
    const method = name.at(-1);
    if (node.has(method)) throw new Error(`sdk-namespaces: ${op.id} and ${where.get(name.join('.'))} are both ${name.join('.')}`);
    node.set(method, op);
    where.set(name.join('.'), op.id);
  }
  return tree;
}

function docComment(lines, indent) {
  const text = lines.filter((l) => l !== undefined).flatMap((l) => l.replaceAll('*/', '*\\/').split('\n'));
  return text.length === 1 ? `${indent}/** ${text[0]} */\n` : `${indent}/**\n${text.map((l) => `${indent} *${l ? ` ${l}` : ''}`).join('\n')}\n${indent} */\n`;
}

function method(name, op, colls, indent) {
  const api = `api.${op.id}`;
  const isCreate = op.method === 'POST' && colls.has(op.segments.join('/'));
  const isUpdate = op.method === 'PATCH' || op.method === 'PUT';
  const args = [];
  const options = [];
  const pathArgs = op.pathParams.map((p) => {
    if (p.schema?.type !== 'string') throw new Error(`sdk-namespaces: ${op.id}: path parameter ${p.name} is not a string`);
    args.push(`${camel(p.name)}: string`);
    return camel(p.name) === p.name ? p.name : `${p.name}: ${camel(p.name)}`;
  });
  if (pathArgs.length) options.push(`path: { ${pathArgs.join(', ')} }`);
  if (op.body) {
    const optional = !op.body.required || (op.body.allOptional && !isCreate && !isUpdate);
    args.push(`body: Body<typeof ${api}>${optional ? ' = {}' : ''}`);
    options.push('body');
  }
  if (op.queryParams.length) {
    args.push(`query${op.queryParams.some((p) => p.required) ? '' : '?'}: Query<typeof ${api}>`);
    options.push('query');
  }
  const docs = docComment([`${op.summary ?? op.id}: \`${op.method} ${op.path}\`.`, ...(op.description ? ['', op.description] : [])], indent);
  if (op.redirect) {
    if (op.body) throw new Error(`sdk-namespaces: ${op.id} answers a redirect but takes a body`);
    const url = op.pathParams.length ? `\`${op.path.replace(/\{([^}]+)\}/g, (_, p) => `\${encodeURIComponent(${camel(p)})}`)}\`` : `'${op.path}'`;
    return `${docs}${indent}${name}: (${args.join(', ')}): string => this.url(${url}${op.queryParams.length ? ', query' : ''}),\n`;
  }
  const paginated = op.method === 'GET' && op.queryParams.some((p) => p.name === 'starting_after');
  const kind = paginated ? 'list' : op.text ? 'text' : 'call';
  args.push('r?: RequestOptions');
  return `${docs}${indent}${name}: (${args.join(', ')}) => this.${kind}(${api}, { ${options.join(', ')} }, r),\n`;
}

/** The TypeScript source of namespaces.gen.ts (before formatting). */
export function namespacesSource(spec) {
  const tree = namespaceTree(spec);
  const colls = collections(operations(spec));
  const tagDescription = new Map((spec.tags ?? []).map((t) => [t.name, t.description]));
  const firstOp = (node) => (node instanceof Map ? firstOp(node.values().next().value) : node);
  const body = (node, indent) =>
    [...node]
      .map(([name, child]) => (child instanceof Map ? `${indent}${name}: {\n${body(child, `${indent}  `)}${indent}},\n` : method(name, child, colls, indent)))
      .join('');
  const namespaces = [...tree]
    .map(([name, node]) => {
      const { tag } = firstOp(node);
      const docs = tag && tagDescription.get(tag) ? docComment([`${tag}: ${tagDescription.get(tag)}`], '  ') : '';
      return `${docs}  readonly ${name} = {\n${body(node, '    ')}  };\n`;
    })
    .join('\n');
  return `// Generated by scripts/sdk-namespaces.mjs from openapi/openapi.json (npm run generate). Do not edit.
// Each method calls one generated operation of ./generated/sdk.gen.ts through the Plinth class's
// call/list/text/url (plinth.ts), which add the options, retries, typed errors and pagination.
import * as api from './generated/sdk.gen.js';
import type { PagePromise } from './pagination.js';
import type { Body, Item, Op, Opts, Query, RequestOptions, Result } from './operations.js';

/** The resource namespaces of the Plinth client, one method per operation of the contract. */
export abstract class PlinthNamespaces {
  /** Calls an operation; resolves to its response body, or throws a typed PlinthError. */
  protected abstract call<F extends Op>(fn: F, options: Omit<Opts<F>, 'client'>, request?: RequestOptions): Promise<Result<F>>;
  /** Calls a list operation page by page. */
  protected abstract list<F extends Op>(fn: F, options: Omit<Opts<F>, 'client'> & { query?: object }, request?: RequestOptions): PagePromise<Item<F>>;
  /** Calls an operation whose response is not JSON; resolves to its text. */
  protected abstract text<F extends Op>(fn: F, options: Omit<Opts<F>, 'client'>, request?: RequestOptions): Promise<string>;
  /** The absolute URL of a path with a query, for the browser to visit (redirect flows). */
  protected abstract url(path: string, query?: object): string;

${namespaces}}
`;
}

/** Writes the formatted file; returns its path. */
export async function writeNamespaces(root, specPath = 'openapi/openapi.json', outPath = 'sdks/typescript/src/namespaces.gen.ts') {
  const spec = JSON.parse(readFileSync(join(root, specPath), 'utf8'));
  const file = join(root, outPath);
  const config = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(namespacesSource(spec), { ...config, filepath: file }));
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeNamespaces(new URL('..', import.meta.url).pathname);
}
