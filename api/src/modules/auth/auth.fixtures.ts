import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  signup: (n) => ({ email: `sec${n}.${Date.now()}@example.com`, password: 'correct horse battery staple', name: 'S', tenant_name: 'S' }),
  login: () => ({ email: 'nobody@example.com', password: 'x' }),
  refreshSession: () => ({ refresh_token: 'rt_nope' }),
  confirmEmailVerification: () => ({ token: 'ev_nope' }),
  requestPasswordReset: () => ({ email: 'nobody@example.com' }),
  confirmPasswordReset: () => ({ token: 'pr_nope', password: 'correct horse battery staple' }),
  startTotpEnrollment: () => ({}),
  confirmTotpEnrollment: () => ({ code: '123456' }),
  disableTotp: () => ({ code: '123456' }),
  completeMfaLogin: () => ({ challenge: 'mfac_nope', code: '123456' }),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/sessions/{id}': async (t, b) => {
    const me = (await t.http.get('/v1/me').set(b.session)).body;
    return { id: me.session_id, read: async () => (await t.http.get('/v1/sessions').set(b.session)).body.data.map((s: { id: string }) => s.id) };
  },
};
