import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../core/db/tenant-filter.js';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked';

@Entity({ tableName: 'invitations' })
@TenantScoped()
export class Invitation {
  [OptionalProps]?: 'createdAt' | 'status' | 'invitedBy' | 'acceptedAt';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) email!: string;
  @Property({ type: 'text' }) role!: string;
  @Property({ type: 'text', hidden: true }) tokenHash!: string;
  @Property({ type: 'text', nullable: true }) invitedBy: string | null = null;
  @Property({ type: 'text' }) status: InvitationStatus = 'pending';
  @Property({ type: 'datetime', columnType: 'timestamptz' }) expiresAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) acceptedAt: Date | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
}
