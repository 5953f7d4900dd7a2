import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import { keyedHash } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { jsonBody } from '../../core/http/input.js';
import { toApiError } from '../../core/http/problem.js';
import { record, type Change, type Origin } from '../../core/events/record.js';
import { isId, newId } from '../../core/ids.js';
import { type User, type AuthService, toUserDto, revokeSessionsInTenant, userByEmail, usersById } from '../auth/index.js';
import { change } from '../../core/events/change.js';
import { Membership, countMembersWithRole, toMemberDto, type MembersService } from '../members/index.js';
import { ScimGroup, SsoConnection } from './sso.entity.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A SCIM protocol error (RFC 7644 §3.12), answered as `application/scim+json`. */
class ScimError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: string,
  ) {
    super(detail);
  }
}

type Json = Record<string, unknown>;
interface Scope {
  em: EntityManager;
  tenantId: string;
  origin: Origin;
  changes: Change[];
}

/**
 * SCIM 2.0 (RFC 7643/7644) per tenant, as Okta and Entra ID drive it: Users are the tenant's members
 * (`id` is the membership id, `userName` the email), `active: false` deprovisions (the membership is
 * deactivated and the user's sessions in the tenant end), and Groups map to roles by name.
 */
export function scimRouter(deps: Deps, members: MembersService, auth: AuthService): Router {
  const router = express.Router();
  router.use(jsonBody({ types: ['application/scim+json', 'application/json'], limit: 1024 * 1024 }));

  const base = () => `${(deps.config.publicUrl ?? `http://localhost:${deps.config.port}`).replace(/\/$/, '')}/scim/v2`;

  /** Bearer SCIM token -> tenant, then one transaction in that tenant; events are recorded in it. */
  const handle =
    (work: (s: Scope, req: Request) => Promise<{ status: number; body?: Json }>) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!token) throw new ScimError(401, 'Send the SCIM token as "Authorization: Bearer <token>" (POST /v1/sso/scim-tokens).');
        await deps.limits.consume('scim', keyedHash(deps.config.secret, token), 600);
        const [row] = await deps.orm.em
          .fork()
          .execute<{ id: string; tenant_id: string; revoked_at: Date | null }[]>('select * from plinth_scim_token(?)', [keyedHash(deps.config.secret, token)]);
        if (!row || row.revoked_at) throw new ScimError(401, 'The SCIM token is invalid or revoked.');
        const [blocked] = await deps.orm.em.fork().execute<{ b: boolean }[]>('select plinth_tenant_blocked(array[?]::text[]) as b', [row.tenant_id]);
        if (blocked?.b) throw new ScimError(403, 'This tenant is suspended.');
        // The SCIM token is the actor: the audit log names which provisioning integration made each change.
        const origin: Origin = { actor: { type: 'system', id: row.id }, requestId: req.id, ip: req.ip, userAgent: req.get('user-agent') };
        const out = await inTenant(deps.orm, systemGrant(row.tenant_id, 'SCIM: the SCIM token is the credential'), async (em) => {
          const scope: Scope = { em, tenantId: row.tenant_id, origin, changes: [] };
          const result = await work(scope, req);
          if (scope.changes.length) await record(em, row.tenant_id, origin, scope.changes);
          return result;
        });
        res.status(out.status).type('application/scim+json');
        if (out.body) res.send(JSON.stringify(out.body));
        else res.end();
      } catch (err) {
        next(err);
      }
    };

  // ---- Users ----

  async function userResource(s: Scope, m: Membership, user?: User): Promise<Json> {
    const u = user ?? (await usersById(s.em, [m.userId])).get(m.userId)!;
    const groups = await s.em.execute<{ id: string; display_name: string }[]>(
      'select g.id, g.display_name from scim_groups g join scim_group_members gm on gm.group_id = g.id where gm.membership_id = ?',
      [m.id],
    );
    const [given, ...rest] = u.name.split(' ');
    return {
      schemas: [USER],
      id: m.id,
      externalId: m.scimExternalId ?? undefined,
      userName: u.email,
      name: { formatted: u.name, givenName: given, familyName: rest.join(' ') || undefined },
      displayName: u.name,
      emails: [{ value: u.email, type: 'work', primary: true }],
      active: m.status === 'active',
      groups: groups.map((g) => ({ value: g.id, display: g.display_name, $ref: `${base()}/Groups/${g.id}` })),
      meta: { resourceType: 'User', created: m.createdAt.toISOString(), lastModified: m.updatedAt.toISOString(), location: `${base()}/Users/${m.id}` },
    };
  }

  async function findMember(s: Scope, id: string): Promise<Membership> {
    const m = isId('membership', id) ? await s.em.findOne(Membership, { id }) : null;
    if (!m) throw new ScimError(404, `No User '${id}' in this tenant.`);
    return m;
  }

  function nameOf(body: Json): string | undefined {
    const name = body.name as Json | undefined;
    const composed = [name?.givenName, name?.familyName].filter((v) => typeof v === 'string' && v).join(' ');
    const candidates = [body.displayName, name?.formatted, composed];
    return candidates
      .find((v): v is string => typeof v === 'string' && v.trim().length > 0)
      ?.trim()
      .slice(0, 200);
  }

  function emailOf(body: Json): string {
    const userName = body.userName;
    if (typeof userName !== 'string' || !EMAIL.test(userName)) {
      throw new ScimError(400, 'userName must be the user’s email address.', 'invalidValue');
    }
    return userName.toLowerCase();
  }

  /** Activates or deactivates a membership; deactivating ends the user's sessions in this tenant. */
  async function setActive(s: Scope, m: Membership, active: boolean): Promise<void> {
    const status = active ? 'active' : 'deactivated';
    if (m.status === status) return;
    if (!active && m.role === 'owner' && (await countMembersWithRole(s.em, 'owner')) <= 1) {
      throw new ScimError(409, 'This is the tenant’s last owner; make someone else an owner before deprovisioning them.', 'mutability');
    }
    m.status = status;
    await s.em.flush();
    const user = (await usersById(s.em, [m.userId])).get(m.userId)!;
    if (!active) {
      await revokeSessionsInTenant(s.em, m.userId, s.tenantId);
      s.changes.push(change('member.deprovisioned', toMemberDto(m, user)));
    } else {
      s.changes.push(change('member.updated', toMemberDto(m, user), { status: 'deactivated' }));
    }
  }

  async function rename(s: Scope, m: Membership, name: string | undefined): Promise<void> {
    if (!name) return;
    const user = (await usersById(s.em, [m.userId])).get(m.userId)!;
    if (user.name !== name) {
      user.name = name;
      await s.em.flush();
    }
  }

  function bool(value: unknown): boolean {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true'; // Entra sends "False"
    throw new ScimError(400, 'active must be a boolean.', 'invalidValue');
  }

  router.get(
    '/Users',
    handle(async (s, req) => {
      const { start, count } = paging(req);
      const filter = parseFilter(req.query.filter, { username: 'email', externalid: 'externalId' });
      let rows: Membership[];
      if (filter?.attr === 'email') {
        const user = await userByEmail(s.em, filter.value);
        rows = user ? await s.em.find(Membership, { userId: user.id }) : [];
      } else if (filter?.attr === 'externalId') {
        rows = await s.em.find(Membership, { scimExternalId: filter.value });
      } else {
        rows = await s.em.find(Membership, {}, { orderBy: { id: 'asc' } });
      }
      const users = await usersById(
        s.em,
        rows.map((r) => r.userId),
      );
      const page = rows.slice(start - 1, start - 1 + count);
      return { status: 200, body: list(rows.length, start, await Promise.all(page.map((m) => userResource(s, m, users.get(m.userId))))) };
    }),
  );

  router.post(
    '/Users',
    handle(async (s, req) => {
      const body = req.body as Json;
      const email = emailOf(body);
      const name = nameOf(body) ?? email.split('@')[0]!;
      let user = await userByEmail(s.em, email);
      if (user && (await s.em.findOne(Membership, { userId: user.id }))) {
        throw new ScimError(409, `A user with userName ${email} already exists in this tenant.`, 'uniqueness');
      }
      if (!user) {
        user = await auth.createUser(s.em, { email, name, passwordHash: null, verified: true });
        s.changes.push(change('user.created', toUserDto(user)));
      }
      const m = members.add(s.em, s.tenantId, user.id, await defaultRole(s));
      m.scimExternalId = typeof body.externalId === 'string' ? body.externalId.slice(0, 500) : null;
      if (body.active !== undefined && !bool(body.active)) m.status = 'deactivated';
      await s.em.flush();
      s.changes.push(change('member.provisioned', toMemberDto(m, user)));
      return { status: 201, body: await userResource(s, m, user) };
    }),
  );

  router.get(
    '/Users/:id',
    handle(async (s, req) => ({ status: 200, body: await userResource(s, await findMember(s, String(req.params.id))) })),
  );

  router.put(
    '/Users/:id',
    handle(async (s, req) => {
      const body = req.body as Json;
      const m = await findMember(s, String(req.params.id));
      const user = (await usersById(s.em, [m.userId])).get(m.userId)!;
      if (emailOf(body) !== user.email.toLowerCase()) throw new ScimError(400, 'userName (the email) cannot change through SCIM.', 'mutability');
      await rename(s, m, nameOf(body));
      if (typeof body.externalId === 'string') m.scimExternalId = body.externalId.slice(0, 500);
      if (body.active !== undefined) await setActive(s, m, bool(body.active));
      await s.em.flush();
      return { status: 200, body: await userResource(s, m) };
    }),
  );

  router.patch(
    '/Users/:id',
    handle(async (s, req) => {
      const m = await findMember(s, String(req.params.id));
      for (const op of operations(req.body)) {
        const values: Json = op.path ? { [op.path]: op.value } : ((op.value as Json) ?? {});
        for (const [rawPath, value] of Object.entries(values)) {
          const path = rawPath.replace(/^urn:ietf:params:scim:schemas:core:2\.0:User:/, '');
          if (op.op === 'remove') {
            if (path === 'externalId') m.scimExternalId = null;
            continue;
          }
          if (path === 'active') await setActive(s, m, bool(value));
          else if (path === 'displayName' || path === 'name.formatted') await rename(s, m, typeof value === 'string' ? value : undefined);
          else if (path === 'name.givenName' || path === 'name.familyName') {
            const user = (await usersById(s.em, [m.userId])).get(m.userId)!;
            const [given, ...rest] = user.name.split(' ');
            const next = path === 'name.givenName' ? [String(value), ...rest] : [given, String(value)];
            await rename(s, m, next.filter(Boolean).join(' '));
          } else if (path === 'name' && value && typeof value === 'object') await rename(s, m, nameOf({ name: value }));
          else if (path === 'externalId') m.scimExternalId = typeof value === 'string' ? value.slice(0, 500) : null;
          // Other attributes (emails, title, enterprise extension, ...) are not kept by Plinth.
        }
      }
      await s.em.flush();
      return { status: 200, body: await userResource(s, m) };
    }),
  );

  router.delete(
    '/Users/:id',
    handle(async (s, req) => {
      const m = await findMember(s, String(req.params.id));
      if (m.role === 'owner' && (await countMembersWithRole(s.em, 'owner')) <= 1) {
        throw new ScimError(409, 'This is the tenant’s last owner; make someone else an owner before deleting them.', 'mutability');
      }
      const user = (await usersById(s.em, [m.userId])).get(m.userId)!;
      const dto = toMemberDto(m, user);
      await revokeSessionsInTenant(s.em, m.userId, s.tenantId);
      await s.em.remove(m).flush();
      s.changes.push(change('member.deprovisioned', { ...dto, status: 'deactivated' }));
      return { status: 204 };
    }),
  );

  // ---- Groups: a group's name maps to a role ----

  async function groupResource(s: Scope, g: ScimGroup, withMembers = true): Promise<Json> {
    const ids = withMembers ? await groupMemberIds(s, g) : [];
    const memberships = ids.length ? await s.em.find(Membership, { id: { $in: ids } }) : [];
    const users = await usersById(
      s.em,
      memberships.map((m) => m.userId),
    );
    return {
      schemas: [GROUP],
      id: g.id,
      externalId: g.externalId ?? undefined,
      displayName: g.displayName,
      ...(withMembers ? { members: memberships.map((m) => ({ value: m.id, display: users.get(m.userId)?.email, $ref: `${base()}/Users/${m.id}` })) } : {}),
      meta: { resourceType: 'Group', created: g.createdAt.toISOString(), lastModified: g.updatedAt.toISOString(), location: `${base()}/Groups/${g.id}` },
    };
  }

  async function groupMemberIds(s: Scope, g: ScimGroup): Promise<string[]> {
    const rows = await s.em.execute<{ membership_id: string }[]>('select membership_id from scim_group_members where group_id = ?', [g.id]);
    return rows.map((r) => r.membership_id);
  }

  async function findGroup(s: Scope, id: string): Promise<ScimGroup> {
    const g = isId('scimGroup', id) ? await s.em.findOne(ScimGroup, { id }) : null;
    if (!g) throw new ScimError(404, `No Group '${id}' in this tenant.`);
    return g;
  }

  /** The role a group name maps to: a connection's group mapping, else a role of that key or name. */
  async function roleOfGroup(s: Scope, displayName: string): Promise<string | undefined> {
    const lower = displayName.toLowerCase();
    for (const conn of await s.em.find(SsoConnection, {})) {
      const hit = conn.groupRoles.find((g) => g.group.toLowerCase() === lower);
      if (hit) return hit.role;
    }
    return members.roleKeyForLabel(s.em, displayName);
  }

  async function defaultRole(s: Scope): Promise<string> {
    const [conn] = await s.em.find(SsoConnection, { status: 'active' }, { orderBy: { id: 'asc' }, limit: 1 });
    return conn?.defaultRole ?? 'member';
  }

  /** After group membership changes: each affected member gets the strongest role their groups map to. */
  async function recomputeRoles(s: Scope, membershipIds: string[]): Promise<void> {
    for (const id of new Set(membershipIds)) {
      const m = await s.em.findOne(Membership, { id });
      if (!m || m.role === 'owner') continue; // owners are managed by hand
      const groups = await s.em.execute<{ display_name: string }[]>(
        'select g.display_name from scim_groups g join scim_group_members gm on gm.group_id = g.id where gm.membership_id = ?',
        [id],
      );
      let best: { role: string; weight: number } | undefined;
      for (const g of groups) {
        const role = await roleOfGroup(s, g.display_name);
        const permissions = role ? await members.permissionsOfRole(s.em, role) : undefined;
        if (role && role !== 'owner' && permissions && (!best || permissions.length > best.weight)) best = { role, weight: permissions.length };
      }
      const role = best?.role ?? (await defaultRole(s));
      if (role !== m.role) {
        const previous = m.role;
        m.role = role;
        await s.em.flush();
        const user = (await usersById(s.em, [m.userId])).get(m.userId)!;
        s.changes.push(change('member.updated', toMemberDto(m, user), { role: previous }));
      }
    }
  }

  async function setMembers(s: Scope, g: ScimGroup, add: string[], remove: string[]): Promise<void> {
    for (const id of add) {
      if (!isId('membership', id) || !(await s.em.findOne(Membership, { id }))) throw new ScimError(400, `No User '${id}' in this tenant.`, 'invalidValue');
      await s.em.execute('insert into scim_group_members (group_id, membership_id, tenant_id) values (?, ?, ?) on conflict do nothing', [g.id, id, s.tenantId]);
    }
    for (const id of remove) await s.em.execute('delete from scim_group_members where group_id = ? and membership_id = ?', [g.id, id]);
    await recomputeRoles(s, [...add, ...remove]);
  }

  const memberIds = (value: unknown): string[] =>
    (Array.isArray(value) ? value : value ? [value] : []).map((v) => String((v as Json).value ?? '')).filter(Boolean);

  router.get(
    '/Groups',
    handle(async (s, req) => {
      const { start, count } = paging(req);
      const filter = parseFilter(req.query.filter, { displayname: 'displayName', externalid: 'externalId' });
      const where = filter ? (filter.attr === 'displayName' ? { displayName: filter.value } : { externalId: filter.value }) : {};
      const rows = await s.em.find(ScimGroup, where, { orderBy: { id: 'asc' } });
      const withMembers = !String(req.query.excludedAttributes ?? '').includes('members');
      const page = rows.slice(start - 1, start - 1 + count);
      return { status: 200, body: list(rows.length, start, await Promise.all(page.map((g) => groupResource(s, g, withMembers)))) };
    }),
  );

  router.post(
    '/Groups',
    handle(async (s, req) => {
      const body = req.body as Json;
      if (typeof body.displayName !== 'string' || !body.displayName.trim()) throw new ScimError(400, 'displayName is required.', 'invalidValue');
      if (await s.em.findOne(ScimGroup, { displayName: body.displayName })) throw new ScimError(409, `A group named ${body.displayName} exists.`, 'uniqueness');
      const g = s.em.create(ScimGroup, {
        id: newId('scimGroup'),
        tenantId: s.tenantId,
        displayName: body.displayName.slice(0, 200),
        externalId: typeof body.externalId === 'string' ? body.externalId : null,
      });
      await s.em.persist(g).flush();
      await setMembers(s, g, memberIds(body.members), []);
      return { status: 201, body: await groupResource(s, g) };
    }),
  );

  router.get(
    '/Groups/:id',
    handle(async (s, req) => ({
      status: 200,
      body: await groupResource(s, await findGroup(s, String(req.params.id)), !String(req.query.excludedAttributes ?? '').includes('members')),
    })),
  );

  router.put(
    '/Groups/:id',
    handle(async (s, req) => {
      const body = req.body as Json;
      const g = await findGroup(s, String(req.params.id));
      if (typeof body.displayName === 'string' && body.displayName.trim()) g.displayName = body.displayName.slice(0, 200);
      await s.em.flush();
      const current = await groupMemberIds(s, g);
      const wanted = memberIds(body.members);
      await setMembers(
        s,
        g,
        wanted,
        current.filter((id) => !wanted.includes(id)),
      );
      await recomputeRoles(s, current);
      return { status: 200, body: await groupResource(s, g) };
    }),
  );

  router.patch(
    '/Groups/:id',
    handle(async (s, req) => {
      const g = await findGroup(s, String(req.params.id));
      for (const op of operations(req.body)) {
        const filtered = op.path ? /^members\[value eq "([^"]+)"\]$/.exec(op.path) : null;
        if (filtered && op.op === 'remove') await setMembers(s, g, [], [filtered[1]!]);
        else if (op.path === 'members' && op.op === 'add') await setMembers(s, g, memberIds(op.value), []);
        else if (op.path === 'members' && op.op === 'remove') await setMembers(s, g, [], memberIds(op.value));
        else if (op.path === 'members' && op.op === 'replace') {
          const current = await groupMemberIds(s, g);
          await setMembers(s, g, memberIds(op.value), current);
        } else if (op.path === 'displayName' || (!op.path && op.value && typeof op.value === 'object')) {
          const name = op.path ? op.value : (op.value as Json).displayName;
          if (typeof name === 'string' && name.trim()) {
            g.displayName = name.slice(0, 200);
            await s.em.flush();
            await recomputeRoles(s, await groupMemberIds(s, g));
          }
        } else if (op.path === 'externalId') g.externalId = typeof op.value === 'string' ? op.value : null;
        else throw new ScimError(400, `Unsupported PATCH operation ${op.op} ${op.path ?? ''} on a Group.`, 'invalidPath');
      }
      await s.em.flush();
      // Okta and Entra accept 204 for group PATCH; returning the group is the richer answer.
      return { status: 200, body: await groupResource(s, g) };
    }),
  );

  router.delete(
    '/Groups/:id',
    handle(async (s, req) => {
      const g = await findGroup(s, String(req.params.id));
      const current = await groupMemberIds(s, g);
      await s.em.remove(g).flush();
      await recomputeRoles(s, current);
      return { status: 204 };
    }),
  );

  // ---- discovery ----

  router.get(
    '/ServiceProviderConfig',
    handle(async () => ({
      status: 200,
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        documentationUri: 'https://docs.plinth.dev/guides/sso',
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: 200 },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: false },
        authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'A SCIM token from POST /v1/sso/scim-tokens', primary: true }],
      },
    })),
  );
  router.get(
    '/ResourceTypes',
    handle(async () => ({
      status: 200,
      body: list(2, 1, [
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'User', name: 'User', endpoint: '/Users', schema: USER },
        { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP },
      ]),
    })),
  );

  router.use((req, _res, next) => next(new ScimError(404, `No SCIM endpoint ${req.method} ${req.path}.`)));
  // SCIM clients expect SCIM errors: RFC 7644's shape, with Plinth's problem fields beside it.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let e = err instanceof ScimError ? err : undefined;
    const known = e ? undefined : toApiError(err);
    if (known?.status === 429) e = new ScimError(429, 'Too many SCIM requests; slow down.');
    else if (known) e = new ScimError(known.status, known.message, known.status === 400 ? 'invalidSyntax' : undefined);
    for (const [name, value] of Object.entries(known?.extra.headers ?? {})) res.setHeader(name, value);
    if (!e) {
      req.log.error({ err }, 'unhandled SCIM error');
      e = new ScimError(500, 'Something went wrong on our side. Quote the request id to support.');
    }
    res
      .status(e.status)
      .type('application/scim+json')
      .send(
        JSON.stringify({ schemas: [ERROR], status: String(e.status), ...(e.scimType ? { scimType: e.scimType } : {}), detail: e.message, request_id: req.id }),
      );
  });
  return router;
}

function list(total: number, start: number, resources: Json[]): Json {
  return { schemas: [LIST], totalResults: total, startIndex: start, itemsPerPage: resources.length, Resources: resources };
}

function paging(req: Request): { start: number; count: number } {
  const start = Math.max(1, Number.parseInt(String(req.query.startIndex ?? '1'), 10) || 1);
  const count = Math.min(200, Math.max(0, Number.parseInt(String(req.query.count ?? '100'), 10) || 0));
  return { start, count: req.query.count === undefined ? 100 : count };
}

/** The filters IdPs send: `attr eq "value"` on the attributes named in `allowed` (lower-cased keys). */
function parseFilter(raw: unknown, allowed: Record<string, string>): { attr: string; value: string } | undefined {
  if (raw === undefined || raw === '') return undefined;
  const match = /^\s*([A-Za-z.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(String(raw));
  const attr = match && allowed[match[1]!.toLowerCase()];
  if (!match || !attr) {
    throw new ScimError(400, `Unsupported filter '${String(raw)}': use ${Object.values(allowed).join(' or ')} eq "value".`, 'invalidFilter');
  }
  return { attr, value: match[2]!.replace(/\\(.)/g, '$1') };
}

function operations(body: unknown): { op: string; path?: string; value?: unknown }[] {
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
