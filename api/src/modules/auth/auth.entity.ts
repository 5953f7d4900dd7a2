import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A person. Users are global (one email, several tenants through memberships), not tenant-owned. */
@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?:
    'createdAt' | 'updatedAt' | 'passwordHash' | 'emailVerifiedAt' | 'totpSecretEnc' | 'totpPendingSecretEnc' | 'totpEnabledAt' | 'totpLastCounter';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) email!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text', nullable: true, hidden: true }) passwordHash: string | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) emailVerifiedAt: Date | null = null;
  /** TOTP secret, sealed (see SecretBox); set once enrolment is confirmed. */
  @Property({ type: 'text', nullable: true, hidden: true }) totpSecretEnc: string | null = null;
  @Property({ type: 'text', nullable: true, hidden: true }) totpPendingSecretEnc: string | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) totpEnabledAt: Date | null = null;
  /** The last TOTP time step accepted: a code is never accepted twice. */
  @Property({ type: 'integer', nullable: true, hidden: true }) totpLastCounter: number | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}

/** A signed-in device. Its refresh tokens form one family: reusing a rotated one revokes the session. */
@Entity({ tableName: 'sessions' })
export class Session {
  [OptionalProps]?: 'createdAt' | 'lastUsedAt' | 'ip' | 'userAgent' | 'revokedAt' | 'authMethod' | 'ssoConnectionId';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) userId!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text', nullable: true }) ip: string | null = null;
  @Property({ type: 'text', nullable: true }) userAgent: string | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz' }) lastUsedAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz' }) expiresAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) revokedAt: Date | null = null;
  /** How the session began. An SSO session stays in the tenant of its connection. */
  @Property({ type: 'text' }) authMethod: 'password' | 'sso' = 'password';
  @Property({ type: 'text', nullable: true }) ssoConnectionId: string | null = null;
}

@Entity({ tableName: 'refresh_tokens' })
export class RefreshToken {
  [OptionalProps]?: 'createdAt' | 'usedAt';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) sessionId!: string;
  @Property({ type: 'text' }) tokenHash!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) usedAt: Date | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) expiresAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
}

export type EmailTokenPurpose = 'verify_email' | 'password_reset';

/** Single-use, expiring tokens sent by email; only their keyed hash is stored. */
@Entity({ tableName: 'email_tokens' })
export class EmailToken {
  [OptionalProps]?: 'createdAt' | 'usedAt';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) userId!: string;
  @Property({ type: 'text' }) purpose!: EmailTokenPurpose;
  @Property({ type: 'text' }) tokenHash!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) expiresAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) usedAt: Date | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
}
