import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize, type Ctx } from '../../core/auth/principal.js';
import { keyedHash, randomToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { conflict, gone, notFound, unauthorized, unprocessable } from '../../core/http/errors.js';
import { keysetWhere, pageParams, toList, type List } from '../../core/http/pagination.js';
import { isId, newId } from '../../core/ids.js';
import { originOf, record, userOrigin, type Change } from '../../core/events/record.js';
import { change } from '../../core/events/change.js';
import { toMemberDto, type MembersService } from '../members/index.js';
import { type AuthTokens, toUserDto, type AuthService, type Client, hashPassword, verifyPassword, userByEmail } from '../auth/index.js';
import { toInvitationDto, type InvitationAccept, type InvitationCreate, type InvitationDto, type InvitationWithToken } from './invitations.dto.js';
import { Invitation } from './invitations.entity.js';
import { invitationByTokenHash } from './invitations.repository.js';

const TTL_DAYS = 7;

export class InvitationsService {
  constructor(
    private readonly deps: Deps,
    private readonly members: MembersService,
    private readonly auth: AuthService,
  ) {}

  async create(ctx: Ctx, input: InvitationCreate): Promise<InvitationWithToken> {
    const principal = authorize(ctx, 'invitations:write');
    const token = `invt_${randomToken(40)}`;
    const dto = await inTenant(this.deps.orm, principal, async (em) => {
      await this.members.checkAssignable(em, principal, input.role);
      if (input.role === 'owner' && !principal.permissions.has('owners:write')) {
        throw unprocessable('owner_invite_not_allowed', 'Only owners can invite owners.', [{ path: 'role', message: 'needs the owners:write permission' }]);
      }
      const existing = await userByEmail(em, input.email);
      if (existing && (await this.members.findByUser(em, existing.id))) {
        throw conflict('already_a_member', `${input.email} is already a member of this tenant.`);
      }
      const pending = await em.count(Invitation, { email: input.email.toLowerCase(), status: 'pending', expiresAt: { $gt: new Date() } });
      if (pending) throw conflict('invitation_pending', `${input.email} already has a pending invitation; revoke it to send a new one.`);
      const invitation = em.create(Invitation, {
        id: newId('invitation'),
        tenantId: principal.tenantId,
        email: input.email.toLowerCase(),
        role: input.role,
        tokenHash: keyedHash(this.deps.config.secret, token),
        invitedBy: principal.actor.id,
        expiresAt: new Date(Date.now() + TTL_DAYS * 24 * 3600 * 1000),
      });
      await em.persist(invitation).flush();
      const created = toInvitationDto(invitation);
      await record(em, principal.tenantId, originOf(ctx), [change('invitation.created', created)]);
      return created;
    });
    try {
      await this.deps.mailer.send({
        to: input.email,
        subject: 'You have been invited to a team on Plinth',
        text: `You were invited with the role "${input.role}". Accept within ${TTL_DAYS} days with this token:\n\n${token}\n`,
      });
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'sending the invitation mail failed');
    }
    return { ...dto, token };
  }

  async list(ctx: Ctx, query: { limit?: number; startingAfter?: string }): Promise<List<InvitationDto>> {
    const grant = authorize(ctx, 'invitations:read');
    const page = pageParams(query.limit, query.startingAfter);
    return inTenant(this.deps.orm, grant, async (em) => {
      const rows = await em.find(Invitation, keysetWhere(page), { orderBy: { id: 'desc' }, limit: page.limit + 1 });
      return toList(rows, page, toInvitationDto);
    });
  }

  async revoke(ctx: Ctx, id: string): Promise<InvitationDto> {
    const grant = authorize(ctx, 'invitations:write');
    const { tenantId } = grant;
    return inTenant(this.deps.orm, grant, async (em) => {
      const invitation = await this.find(em, id);
      if (invitation.status !== 'pending') throw conflict('invitation_not_pending', `This invitation is already ${invitation.status}.`);
      invitation.status = 'revoked';
      await em.flush();
      const dto = toInvitationDto(invitation);
      await record(em, tenantId, originOf(ctx), [change('invitation.revoked', dto, { status: 'pending' })]);
      return dto;
    });
  }

  /**
   * Public: the token proves the invitee received the email. A new user sets a name and password; an
   * existing user proves who they are with their password. Either way the answer is a session in the tenant.
   */
  async accept(client: Client, input: InvitationAccept): Promise<AuthTokens> {
    const tokenHash = keyedHash(this.deps.config.secret, input.token);
    const row = await invitationByTokenHash(this.deps.orm.em.fork(), tokenHash);
    if (!row || row.status === 'revoked') throw notFound('invitation');
    if (row.status === 'accepted') throw gone('invitation_used', 'This invitation was already accepted.');
    if (new Date(row.expires_at) <= new Date()) throw gone('invitation_expired', 'This invitation has expired; ask for a new one.');

    const newHash = await hashPassword(input.password);
    const userId = await inTenant(this.deps.orm, systemGrant(row.tenant_id, 'accepting an invitation: its token is the credential'), async (em) => {
      const invitation = await em.findOneOrFail(Invitation, { id: row.id, status: 'pending' });
      let user = await userByEmail(em, row.email);
      const changes: Change[] = [];
      if (user) {
        if (!(await verifyPassword(user.passwordHash, input.password))) {
          throw unauthorized('An account exists for this email: send its current password to accept.', 'invalid_credentials');
        }
        if (await this.members.findByUser(em, user.id)) throw conflict('already_a_member', 'You are already a member of this tenant.');
      } else {
        if (!input.name) throw unprocessable('validation_failed', 'New users must send a name.', [{ path: 'name', message: 'is required for a new account' }]);
        user = await this.auth.createUser(em, { email: row.email, name: input.name, passwordHash: newHash, verified: true });
        changes.push(change('user.created', toUserDto(user)));
      }
      const member = this.members.add(em, row.tenant_id, user.id, invitation.role);
      invitation.status = 'accepted';
      invitation.acceptedAt = new Date();
      await em.flush();
      changes.push(change('member.created', toMemberDto(member, user)), change('invitation.accepted', toInvitationDto(invitation), { status: 'pending' }));
      await record(em, row.tenant_id, userOrigin(user.id, client), changes);
      return user.id;
    });
    return this.auth.startSessionFor(userId, row.tenant_id, client);
  }

  private async find(em: EntityManager, id: string): Promise<Invitation> {
    const invitation = isId('invitation', id) ? await em.findOne(Invitation, { id }) : null;
    if (!invitation) throw notFound('invitation', id);
    return invitation;
  }
}
