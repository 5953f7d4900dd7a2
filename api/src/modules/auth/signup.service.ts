import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { Deps } from '../../core/deps.js';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { change } from '../../core/events/change.js';
import { record, userOrigin } from '../../core/events/record.js';
import { conflict } from '../../core/http/errors.js';
import { newId } from '../../core/ids.js';
import { buildTenant, toTenantDto } from '../tenants/index.js';
import type { AuthTokens, Signup } from './auth.dto.js';
import { insertUser, platformTenantId } from './auth.repository.js';
import type { EmailTokensService } from './email-tokens.service.js';
import type { MembershipWriter } from './module.js';
import { hashPassword } from './passwords.js';
import { signedIn, type SessionsService } from './sessions.service.js';
import { userByEmail } from './users.repository.js';
import { toUserDto, type Client } from './user-events.js';

const emailTaken = () => conflict('email_taken', 'An account with this email already exists; sign in instead.');

/** Signing up: a new user who owns a new standard tenant under the platform, signed in at once. */
export class SignupService {
  constructor(
    private readonly deps: Deps,
    private readonly memberships: MembershipWriter,
    private readonly sessions: Pick<SessionsService, 'startSession'>,
    private readonly emailTokens: Pick<EmailTokensService, 'send'>,
  ) {}

  /** Creates the user, the tenant, an owner membership and a session in one transaction, then mails the verification token. */
  async signup(client: Client, input: Signup): Promise<AuthTokens> {
    const passwordHash = await hashPassword(input.password);
    const tenantId = newId('tenant');
    const grant = systemGrant(tenantId, 'signing up creates the tenant');
    const platformId = await platformTenantId(this.deps.orm.em.fork());
    try {
      const tokens = await inTenant(this.deps.orm, grant, async (em) => {
        if (await userByEmail(em, input.email)) throw emailTaken();
        const tenant = buildTenant(em, { id: tenantId, name: input.tenant_name, kind: 'standard', parent: { id: platformId, path: [] } });
        const user = await insertUser(em, { email: input.email, name: input.name, passwordHash, verified: false });
        const memberCreated = await this.memberships.add(em, tenantId, user, 'owner');
        const tokens = await this.sessions.startSession(em, user, tenantId, client);
        await record(em, tenantId, userOrigin(user.id, client), [
          change('tenant.created', toTenantDto(tenant)),
          change('user.created', toUserDto(user)),
          memberCreated,
          signedIn(tokens.session_id),
        ]);
        return tokens;
      });
      await this.emailTokens.send(tokens.user.id, input.email, 'verify_email');
      return tokens;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw emailTaken();
      throw err;
    }
  }
}
