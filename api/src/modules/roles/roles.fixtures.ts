import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  createRole: (n) => ({ key: `role_${n}`, name: 'R', permissions: ['customers:read'] }),
  updateRole: () => ({ name: 'Renamed' }),
};

let made = 0;

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/roles/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/roles')
        .set(b.auth)
        .send({ key: `theirs_${++made}`, name: 'Theirs', permissions: ['customers:read'] })
    ).body.id;
    return { id, read: async () => (await t.http.get(`/v1/roles/${id}`).set(b.auth)).body };
  },
};
