import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A single-use recovery code, stored as a keyed hash. */
@Entity({ tableName: 'mfa_recovery_codes' })
export class RecoveryCode {
  [OptionalProps]?: 'createdAt' | 'usedAt';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) userId!: string;
  @Property({ type: 'text' }) codeHash!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) usedAt: Date | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
}

/** The second step of a password login: a short-lived token naming the user and tenant. */
@Entity({ tableName: 'mfa_challenges' })
export class MfaChallengeRow {
  [OptionalProps]?: 'createdAt' | 'usedAt' | 'attempts';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) userId!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) tokenHash!: string;
  @Property({ type: 'integer' }) attempts: number = 0;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) expiresAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) usedAt: Date | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
}
