import { defineModule } from '../../core/module.js';
import type { IdKindsOf } from '../../core/ids.js';
import { Migration20261122000003_mfa } from '../../migrations/Migration20261122000003_mfa.js';
import { Migration20261122000004_mfa_policy } from '../../migrations/Migration20261122000004_mfa_policy.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Change } from '../../core/events/record.js';
import { EmailToken, RefreshToken, Session, User } from './auth.entity.js';
import { userEvents } from './auth.events.js';
import { insertUser } from './auth.repository.js';
import { credentialResolver } from './credentials.js';
import { EmailTokensService } from './email-tokens.service.js';
import { MfaChallengeRow, RecoveryCode } from './mfa.entity.js';
import { mfaEvents } from './mfa.events.js';
import { MfaService } from './mfa.service.js';
import { SessionsService } from './sessions.service.js';
import { SignupService } from './signup.service.js';

const ids = { user: 'usr', session: 'ses', refreshToken: 'rtk', emailToken: 'etk', recoveryCode: 'mrc', mfaChallenge: 'mfc' };

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}

/**
 * What auth needs to know about memberships, owned here and implemented by the members module (which
 * depends on auth for its user directory, not the other way round).
 */
export interface MembershipWriter {
  /** The permissions the user holds in the transaction's tenant through their role; null when not a member. */
  permissionsOfUser(em: EntityManager, userId: string): Promise<string[] | null>;
  /** Adds the user to the tenant with the role (flushing the unit of work) and returns its `member.created` change. */
  add(em: EntityManager, tenantId: string, user: User, role: string): Promise<Change>;
}

/**
 * What other modules may do through auth (invitations, SSO, SCIM): create a user inside their own
 * transaction, and start a session for a user they have verified.
 */
export type AuthService = Pick<SessionsService, 'startSessionFor'> & { createUser: typeof insertUser };

export const authModule = defineModule({
  name: 'auth',
  ids,
  tags: [
    { name: 'Auth', description: 'Sign up, sign in, refresh sessions, verify email addresses and reset passwords.' },
    { name: 'Sessions', description: 'The signed-in user and their sessions.' },
  ],
  entities: [User, Session, RefreshToken, EmailToken, RecoveryCode, MfaChallengeRow],
  rlsExempt: {
    sessions:
      'Owned by a user, not a tenant (ADR 0001): tenant_id is the tenant the session currently acts in. Read by refresh-token hash and ' +
      'listed per user across tenants in inIdentity, before any tenant is set.',
    mfa_challenges:
      'Pre-authentication state of a password login: completeMfaLogin finds the row by its token hash (inIdentity) to learn the user and ' +
      'tenant. Opaque, hashed, expiring after minutes, reached only by the hash.',
  },
  migrations: [
    { name: 'Migration20261122000003_mfa', class: Migration20261122000003_mfa },
    { name: 'Migration20261122000004_mfa_policy', class: Migration20261122000004_mfa_policy },
  ],
  events: { ...userEvents, ...mfaEvents },
  needs: ['memberships'],
  services: (deps, ports: { memberships: MembershipWriter }) => {
    const mfa = new MfaService(deps);
    const sessions = new SessionsService(deps, mfa);
    const emailTokens = new EmailTokensService(deps);
    const auth: AuthService = { createUser: insertUser, startSessionFor: (...args) => sessions.startSessionFor(...args) };
    return {
      mfa,
      sessions,
      emailTokens,
      signup: new SignupService(deps, ports.memberships, sessions, emailTokens),
      auth,
      resolveCredential: credentialResolver(deps, ports.memberships),
    };
  },
});

export type AuthServices = { auth: AuthService; sessions: SessionsService; signup: SignupService; emailTokens: EmailTokensService; mfa: MfaService };
