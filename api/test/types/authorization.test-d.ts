// Type tests, checked by `npm run typecheck` (CI): each `@ts-expect-error` line must NOT compile, or the
// typecheck fails. They prove that the unit of work only opens for a checked permission or a stated
// system reason, and that permissions are the ones the modules declare.
import type { MikroORM } from '@mikro-orm/postgresql';
import { authorize, type Ctx } from '../../src/core/auth/principal';
import { inTenant, systemGrant } from '../../src/core/db/unit-of-work';
import { change } from '../../src/core/events/change';
import type { CustomerDto } from '../../src/modules/customers/index';
import '../../src/modules/index'; // the registry: every module's permissions, id kinds and events

export async function serviceMethods(orm: MikroORM, ctx: Ctx, customer: CustomerDto): Promise<void> {
  // A use case that checked its permission opens the unit of work with the grant...
  await inTenant(orm, authorize(ctx, 'customers:read'), async () => undefined);
  // ...and one that acts as Plinth itself says why.
  await inTenant(orm, systemGrant(ctx.principal.tenantId, 'a job acting for the tenant'), async () => undefined);

  // @ts-expect-error a tenant id is not an authorization
  await inTenant(orm, ctx.principal.tenantId, async () => undefined);
  // @ts-expect-error the principal itself is not an authorization either: authorize(ctx, permission) first
  await inTenant(orm, ctx.principal, async () => undefined);
  // @ts-expect-error nor is a hand-made object with a tenant id
  await inTenant(orm, { tenantId: 'ten_01JDA4Y7Q5X3M8N2P6R9T0V1W2' }, async () => undefined);

  // @ts-expect-error 'customer:read' is no module's permission (the catalogue says 'customers:read')
  authorize(ctx, 'customer:read');

  // An event's payload is checked against its declared type...
  change('customer.created', customer);
  // @ts-expect-error ...and an event type no module declares does not compile
  change('customer.exploded', customer);
}
