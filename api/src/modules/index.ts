import { createRegistry, type ServicesOf } from '../core/module.js';
import { apiKeysModule } from './api-keys/index.js';
import { auditModule } from './audit/index.js';
import { authModule } from './auth/index.js';
import { customersModule } from './customers/index.js';
import { eventsModule } from './events/index.js';
import { invitationsModule } from './invitations/index.js';
import { membersModule } from './members/index.js';
import { rolesModule } from './roles/index.js';
import { scimModule } from './scim/index.js';
import { ssoModule } from './sso/index.js';
import { tenantsModule } from './tenants/index.js';
import { webhooksModule } from './webhooks/index.js';

/**
 * The one list of modules. The order is the order of the permission catalogue, the reference's tags
 * and bootstrap hooks (the platform tenant before its root key); services are built in dependency order.
 */
export const MODULES = [
  authModule,
  tenantsModule,
  membersModule,
  rolesModule,
  invitationsModule,
  apiKeysModule,
  customersModule,
  eventsModule,
  webhooksModule,
  auditModule,
  ssoModule,
  scimModule,
] as const;

export const registry = createRegistry(MODULES);

export type Services = ServicesOf<typeof MODULES>;
