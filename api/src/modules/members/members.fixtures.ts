import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  updateMember: () => ({ role: 'viewer' }),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/members/{id}': async (t, b) => {
    const id = (await t.http.get('/v1/members').set(b.auth)).body.data[0].id;
    return { id, read: async () => (await t.http.get(`/v1/members/${id}`).set(b.auth)).body };
  },
};
