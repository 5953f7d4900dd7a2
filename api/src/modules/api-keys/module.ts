import type { PermissionsOf } from '../../core/auth/permissions.js';
import type { IdKindsOf } from '../../core/ids.js';
import { defineModule } from '../../core/module.js';
import type { RolesService } from '../roles/index.js';
import { ApiKey } from './api-keys.entity.js';
import { apiKeyEvents } from './api-keys.events.js';
import { ApiKeysService, ensureRootKey } from './api-keys.service.js';

const ids = { apiKey: 'key' };
const permissions = {
  'api_keys:read': { description: 'List API keys (never their secrets).', grants: ['owner', 'admin', 'developer'] },
  'api_keys:write': { description: 'Create, roll and revoke API keys.', grants: ['owner', 'admin', 'developer'] },
} as const;

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}
declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

export const apiKeysModule = defineModule({
  name: 'api-keys',
  ids,
  permissions,
  tags: [{ name: 'API keys', description: 'Secret keys for servers: scoped, rollable, revocable.' }],
  entities: [ApiKey],
  tenantTables: ['api_keys'],
  events: apiKeyEvents,
  needs: ['roles'],
  services: (deps, ports: { roles: RolesService }) => ({ apiKeys: new ApiKeysService(deps, ports.roles) }),
  // The operator's root key, generated on the first start unless PLINTH_ROOT_KEY names one.
  bootstrap: async (em, boot) => ({
    generatedRootKey: await ensureRootKey(em, boot.platformTenantId, boot.config.secret, boot.config.rootKey, Object.keys(boot.permissions)),
  }),
});

export type ApiKeysServices = { apiKeys: ApiKeysService };
