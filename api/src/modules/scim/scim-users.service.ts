import type { Deps } from '../../core/deps.js';
import { change } from '../../core/events/change.js';
import { isId } from '../../core/ids.js';
import { type AuthService, type User, revokeSessionsInTenant, toUserDto, userByEmail, usersById } from '../auth/index.js';
import { type Membership, type MembersService, countMembersWithRole, membershipOfUser, toMemberDto } from '../members/index.js';
import { USER, ScimError, bool, emailOf, list, nameOf, operations, parseFilter, scimBaseUrl, type Json, type Paging } from './scim.protocol.js';
import { allMemberships, findMembership, groupsOfMembership, membershipsOfUser, membershipsWithExternalId } from './scim.repository.js';
import { defaultRole, type ScimScope } from './scim.service.js';

/** What SCIM Users need from other modules: a user directory that creates users, and membership creation. */
export interface ScimUserPorts {
  auth: Pick<AuthService, 'createUser'>;
  members: Pick<MembersService, 'add'>;
}

/** SCIM Users are the tenant's members: `id` is the membership id, `userName` the user's email. */
export class ScimUsersService {
  constructor(
    private readonly deps: Deps,
    private readonly ports: ScimUserPorts,
  ) {}

  /** The filters Okta and Entra send: `userName eq` (the email) and `externalId eq`. */
  async list(s: ScimScope, query: { filter: unknown } & Paging): Promise<Json> {
    const filter = parseFilter(query.filter, { username: 'email', externalid: 'externalId' });
    const rows = await this.matching(s, filter);
    const users = await usersById(
      s.em,
      rows.map((r) => r.userId),
    );
    const page = rows.slice(query.start - 1, query.start - 1 + query.count);
    return list(rows.length, query.start, await Promise.all(page.map((m) => this.resource(s, m, users.get(m.userId)))));
  }

  /** Provisions a person: their user (created when new to Plinth) joins the tenant with the default role. */
  async create(s: ScimScope, body: Json): Promise<Json> {
    const email = emailOf(body);
    const name = nameOf(body) ?? email.split('@')[0]!;
    let user = await userByEmail(s.em, email);
    if (user && (await membershipOfUser(s.em, user.id))) {
      throw new ScimError(409, `A user with userName ${email} already exists in this tenant.`, 'uniqueness');
    }
    if (!user) {
      user = await this.ports.auth.createUser(s.em, { email, name, passwordHash: null, verified: true });
      s.changes.push(change('user.created', toUserDto(user)));
    }
    const m = this.ports.members.add(s.em, s.tenantId, user.id, await defaultRole(s.em));
    m.scimExternalId = typeof body.externalId === 'string' ? body.externalId.slice(0, 500) : null;
    if (body.active !== undefined && !bool(body.active)) m.status = 'deactivated';
    await s.em.flush();
    s.changes.push(change('member.provisioned', toMemberDto(m, user)));
    return this.resource(s, m, user);
  }

  async get(s: ScimScope, id: string): Promise<Json> {
    return this.resource(s, await this.find(s, id));
  }

  /** PUT: the name, `externalId` and `active` follow the body; the email cannot change. */
  async replace(s: ScimScope, id: string, body: Json): Promise<Json> {
    const m = await this.find(s, id);
    const user = await this.userOf(s, m);
    if (emailOf(body) !== user.email.toLowerCase()) throw new ScimError(400, 'userName (the email) cannot change through SCIM.', 'mutability');
    await this.rename(s, m, nameOf(body));
    if (typeof body.externalId === 'string') m.scimExternalId = body.externalId.slice(0, 500);
    if (body.active !== undefined) await this.setActive(s, m, bool(body.active));
    await s.em.flush();
    return this.resource(s, m);
  }

  /** PATCH: `add`/`replace` set attributes (with or without a path), `remove` clears `externalId`. */
  async patch(s: ScimScope, id: string, body: unknown): Promise<Json> {
    const m = await this.find(s, id);
    for (const op of operations(body)) {
      const values: Json = op.path ? { [op.path]: op.value } : ((op.value as Json) ?? {});
      for (const [rawPath, value] of Object.entries(values)) {
        const path = rawPath.replace(/^urn:ietf:params:scim:schemas:core:2\.0:User:/, '');
        if (op.op !== 'remove') await this.setAttribute(s, m, path, value);
        else if (path === 'externalId') m.scimExternalId = null;
      }
    }
    await s.em.flush();
    return this.resource(s, m);
  }

  /** Deprovisions for good: the membership goes and the user's sessions in this tenant end. */
  async remove(s: ScimScope, id: string): Promise<void> {
    const m = await this.find(s, id);
    if (m.role === 'owner' && (await countMembersWithRole(s.em, 'owner')) <= 1) {
      throw new ScimError(409, 'This is the tenant’s last owner; make someone else an owner before deleting them.', 'mutability');
    }
    const dto = toMemberDto(m, await this.userOf(s, m));
    await revokeSessionsInTenant(s.em, m.userId, s.tenantId);
    await s.em.remove(m).flush();
    s.changes.push(change('member.deprovisioned', { ...dto, status: 'deactivated' }));
  }

  private async matching(s: ScimScope, filter: { attr: string; value: string } | undefined): Promise<Membership[]> {
    if (filter?.attr === 'email') {
      const user = await userByEmail(s.em, filter.value);
      return user ? membershipsOfUser(s.em, user.id) : [];
    }
    if (filter?.attr === 'externalId') return membershipsWithExternalId(s.em, filter.value);
    return allMemberships(s.em);
  }

  /** One attribute of a PATCH `add` or `replace`. Others (emails, title, enterprise extension, ...) are not kept by Plinth. */
  private async setAttribute(s: ScimScope, m: Membership, path: string, value: unknown): Promise<void> {
    if (path === 'active') await this.setActive(s, m, bool(value));
    else if (path === 'displayName' || path === 'name.formatted') await this.rename(s, m, typeof value === 'string' ? value : undefined);
    else if (path === 'name.givenName' || path === 'name.familyName') {
      const [given, ...rest] = (await this.userOf(s, m)).name.split(' ');
      const next = path === 'name.givenName' ? [String(value), ...rest] : [given, String(value)];
      await this.rename(s, m, next.filter(Boolean).join(' '));
    } else if (path === 'name' && value && typeof value === 'object') await this.rename(s, m, nameOf({ name: value }));
    else if (path === 'externalId') m.scimExternalId = typeof value === 'string' ? value.slice(0, 500) : null;
  }

  /** Activates or deactivates a membership; deactivating ends the user's sessions in this tenant. */
  private async setActive(s: ScimScope, m: Membership, active: boolean): Promise<void> {
    const status = active ? 'active' : 'deactivated';
    if (m.status === status) return;
    if (!active && m.role === 'owner' && (await countMembersWithRole(s.em, 'owner')) <= 1) {
      throw new ScimError(409, 'This is the tenant’s last owner; make someone else an owner before deprovisioning them.', 'mutability');
    }
    m.status = status;
    await s.em.flush();
    const user = await this.userOf(s, m);
    if (!active) {
      await revokeSessionsInTenant(s.em, m.userId, s.tenantId);
      s.changes.push(change('member.deprovisioned', toMemberDto(m, user)));
    } else {
      s.changes.push(change('member.updated', toMemberDto(m, user), { status: 'deactivated' }));
    }
  }

  private async rename(s: ScimScope, m: Membership, name: string | undefined): Promise<void> {
    if (!name) return;
    const user = await this.userOf(s, m);
    if (user.name !== name) {
      user.name = name;
      await s.em.flush();
    }
  }

  private async find(s: ScimScope, id: string): Promise<Membership> {
    const m = isId('membership', id) ? await findMembership(s.em, id) : null;
    if (!m) throw new ScimError(404, `No User '${id}' in this tenant.`);
    return m;
  }

  private async userOf(s: ScimScope, m: Membership): Promise<User> {
    return (await usersById(s.em, [m.userId])).get(m.userId)!;
  }

  private async resource(s: ScimScope, m: Membership, user?: User): Promise<Json> {
    const u = user ?? (await this.userOf(s, m));
    const groups = await groupsOfMembership(s.em, m.id);
    const base = scimBaseUrl(this.deps.config);
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
      groups: groups.map((g) => ({ value: g.id, display: g.display_name, $ref: `${base}/Groups/${g.id}` })),
      meta: { resourceType: 'User', created: m.createdAt.toISOString(), lastModified: m.updatedAt.toISOString(), location: `${base}/Users/${m.id}` },
    };
  }
}
