import type { PermissionsOf } from '../../core/auth/permissions.js';
import type { IdKindsOf } from '../../core/ids.js';
import { defineModule } from '../../core/module.js';
import { Migration20261202000003_customer_email_lower } from '../../migrations/Migration20261202000003_customer_email_lower.js';
import { Customer } from './customers.entity.js';
import { customerEvents } from './customers.events.js';
import { CustomersService } from './customers.service.js';

const ids = { customer: 'cus' };
const permissions = {
  'customers:read': { description: 'Read customers.', grants: ['owner', 'admin', 'developer', 'member', 'viewer'] },
  'customers:write': { description: 'Create, update and delete customers.', grants: ['owner', 'admin', 'developer', 'member'] },
} as const;

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}
declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

export const customersModule = defineModule({
  name: 'customers',
  ids,
  permissions,
  tags: [{ name: 'Customers', description: "A tenant's customers (the first product domain)." }],
  entities: [Customer],
  migrations: [{ name: 'Migration20261202000003_customer_email_lower', class: Migration20261202000003_customer_email_lower }],
  tenantTables: ['customers'],
  events: customerEvents,
  services: (deps) => ({ customers: new CustomersService(deps) }),
});

export type CustomersServices = { customers: CustomersService };
