import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  createApiKey: () => ({ name: 'k', scopes: ['customers:read'] }),
  rollApiKey: () => ({}),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/api-keys/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/api-keys')
        .set(b.auth)
        .send({ name: 'theirs', scopes: ['customers:read'] })
    ).body.id;
    return { id, read: async () => (await t.http.get(`/v1/api-keys/${id}`).set(b.auth)).body };
  },
};
