import type { ObjectFactory } from '../../../test/support/fixtures';

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/events/{id}': async (t, b) => {
    await t.http.post('/v1/customers').set(b.auth).send({ name: 'Evented' });
    const id = (await t.http.get('/v1/events').set(b.auth)).body.data[0].id;
    return { id, read: async () => (await t.http.get(`/v1/events/${id}`).set(b.auth)).body };
  },
};
