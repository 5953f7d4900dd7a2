import { defineModule } from '../../core/module.js';
import type { IdKindsOf } from '../../core/ids.js';
import { Migration20261122000003_mfa } from '../../migrations/Migration20261122000003_mfa.js';
import { Migration20261122000004_mfa_policy } from '../../migrations/Migration20261122000004_mfa_policy.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Change } from '../../core/events/record.js';
import { EmailToken, RefreshToken, Session, User } from './auth.entity.js';
import { userEvents } from './auth.events.js';
import { AuthService } from './auth.service.js';
import { credentialResolver } from './credentials.js';
import { MfaChallengeRow, RecoveryCode } from './mfa.entity.js';
import { mfaEvents } from './mfa.events.js';
import { MfaService } from './mfa.service.js';

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

export const authModule = defineModule({
  name: 'auth',
  ids,
  tags: [
    { name: 'Auth', description: 'Sign up, sign in, refresh sessions, verify email addresses and reset passwords.' },
    { name: 'Sessions', description: 'The signed-in user and their sessions.' },
  ],
  entities: [User, Session, RefreshToken, EmailToken, RecoveryCode, MfaChallengeRow],
  migrations: [
    { name: 'Migration20261122000003_mfa', class: Migration20261122000003_mfa },
    { name: 'Migration20261122000004_mfa_policy', class: Migration20261122000004_mfa_policy },
  ],
  events: { ...userEvents, ...mfaEvents },
  needs: ['memberships'],
  services: (deps, ports: { memberships: MembershipWriter }) => {
    const mfa = new MfaService(deps);
    return {
      mfa,
      auth: new AuthService(deps, ports.memberships, mfa),
      resolveCredential: credentialResolver(deps, ports.memberships),
    };
  },
});

export type AuthServices = { auth: AuthService; mfa: MfaService };
