import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  createTenant: () => ({ name: 'Child' }),
  updateTenant: () => ({ name: 'Renamed' }),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/tenants/{id}': async (t, b) => ({ id: b.tenantId, read: async () => (await t.http.get(`/v1/tenants/${b.tenantId}`).set(b.auth)).body }),
};
