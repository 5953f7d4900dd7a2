// The SCIM 2.0 wire format (RFC 7643/7644): schemas, errors, list responses, filters and PATCH bodies.
export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const RESOURCE_TYPE = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type Json = Record<string, unknown>;

/** A SCIM protocol error (RFC 7644 §3.12), answered as `application/scim+json`. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: string,
  ) {
    super(detail);
  }
}

/** The page a list request asks for: `startIndex` from 1, `count` up to 200 (100 when absent). */
export interface Paging {
  start: number;
  count: number;
}

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

export function list(total: number, start: number, resources: Json[]): Json {
  return { schemas: [LIST], totalResults: total, startIndex: start, itemsPerPage: resources.length, Resources: resources };
}

export function paging(query: { startIndex?: unknown; count?: unknown }): Paging {
  const start = Math.max(1, Number.parseInt(String(query.startIndex ?? '1'), 10) || 1);
  const count = Math.min(200, Math.max(0, Number.parseInt(String(query.count ?? '100'), 10) || 0));
  return { start, count: query.count === undefined ? 100 : count };
}

/** The filters IdPs send: `attr eq "value"` on the attributes named in `allowed` (lower-cased keys). */
export function parseFilter(raw: unknown, allowed: Record<string, string>): { attr: string; value: string } | undefined {
  if (raw === undefined || raw === '') return undefined;
  const match = /^\s*([A-Za-z.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(String(raw));
  const attr = match && allowed[match[1]!.toLowerCase()];
  if (!match || !attr) {
    throw new ScimError(400, `Unsupported filter '${String(raw)}': use ${Object.values(allowed).join(' or ')} eq "value".`, 'invalidFilter');
  }
  return { attr, value: match[2]!.replace(/\\(.)/g, '$1') };
}

export function operations(body: unknown): PatchOperation[] {
  const b = body as Json;
  if (!Array.isArray(b?.Operations) || !(b.schemas as unknown[] | undefined)?.includes(PATCH_OP)) {
    throw new ScimError(400, `A PATCH body needs schemas ["${PATCH_OP}"] and an Operations array.`, 'invalidSyntax');
  }
  return (b.Operations as Json[]).map((o) => {
    const op = String(o.op ?? '').toLowerCase();
    if (!['add', 'replace', 'remove'].includes(op)) throw new ScimError(400, `Unknown PATCH op '${String(o.op)}'.`, 'invalidSyntax');
    return { op, path: typeof o.path === 'string' ? o.path : undefined, value: o.value };
  });
}

export function bool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true'; // Entra sends "False"
  throw new ScimError(400, 'active must be a boolean.', 'invalidValue');
}

/** A User's display name: `displayName`, else `name.formatted`, else given and family names. */
export function nameOf(body: Json): string | undefined {
  const name = body.name as Json | undefined;
  const composed = [name?.givenName, name?.familyName].filter((v) => typeof v === 'string' && v).join(' ');
  const candidates = [body.displayName, name?.formatted, composed];
  return candidates
    .find((v): v is string => typeof v === 'string' && v.trim().length > 0)
    ?.trim()
    .slice(0, 200);
}

/** A User's `userName`, which Plinth requires to be their email address (lower-cased). */
export function emailOf(body: Json): string {
  const userName = body.userName;
  if (typeof userName !== 'string' || !EMAIL.test(userName)) {
    throw new ScimError(400, 'userName must be the user’s email address.', 'invalidValue');
  }
  return userName.toLowerCase();
}

/** The membership ids of a Group's `members` value (one member or an array of them). */
export function memberIds(value: unknown): string[] {
  return (Array.isArray(value) ? value : value ? [value] : []).map((v) => String((v as Json).value ?? '')).filter(Boolean);
}

/** What this SCIM server supports; its documentation is the portal's SSO guide on this deployment. */
export const serviceProviderConfig = (publicUrl: string | undefined): Json => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
  documentationUri: `${publicUrl ?? ''}/portal/guides/sso`,
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: 200 },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'A SCIM token from POST /v1/sso/scim-tokens', primary: true }],
});

export const resourceTypes: Json = list(2, 1, [
  { schemas: [RESOURCE_TYPE], id: 'User', name: 'User', endpoint: '/Users', schema: USER },
  { schemas: [RESOURCE_TYPE], id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP },
]);

/** The tenant-independent base URL identity providers are given (the token names the tenant). */
export function scimBaseUrl(config: { publicUrl?: string; port: number }): string {
  return `${(config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/$/, '')}/scim/v2`;
}
