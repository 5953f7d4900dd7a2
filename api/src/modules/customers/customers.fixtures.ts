import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  createCustomer: () => ({ name: 'C' }),
  updateCustomer: () => ({ name: 'Renamed' }),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/customers/{id}': async (t, b) => {
    const id = (await t.http.post('/v1/customers').set(b.auth).send({ name: 'Theirs' })).body.id;
    return { id, read: async () => (await t.http.get(`/v1/customers/${id}`).set(b.auth)).body };
  },
};
