import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  createInvitation: (n) => ({ email: `invitee${n}@example.com`, role: 'member' }),
  acceptInvitation: () => ({ token: 'invt_nope', password: 'x' }),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/invitations/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/invitations')
        .set(b.auth)
        .send({ email: `theirs.${Date.now()}@example.com`, role: 'member' })
    ).body.id;
    return { id, read: async () => (await t.http.get('/v1/invitations').set(b.auth)).body.data.find((i: { id: string }) => i.id === id) };
  },
};
