import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  createScimToken: () => ({ name: 'IdP' }),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/sso/scim-tokens/{id}': async (t, b) => {
    const id = (await t.http.post('/v1/sso/scim-tokens').set(b.auth).send({ name: 'theirs' })).body.id;
    return { id, read: async () => (await t.http.get('/v1/sso/scim-tokens').set(b.auth)).body.data };
  },
};
