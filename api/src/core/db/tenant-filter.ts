import { Filter } from '@mikro-orm/decorators/legacy';

/**
 * The ORM-level tenant filter, on by default for tenant-owned entities. `inTenant` sets its parameter;
 * row-level security enforces the same rule underneath.
 */
export const TenantScoped = () => Filter({ name: 'tenant', cond: (args: { tenantId: string }) => ({ tenantId: args.tenantId }), default: true });
