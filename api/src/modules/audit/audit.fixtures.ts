import type { ObjectFactory, SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  createAuditLogExport: () => ({ format: 'csv' }),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/audit-logs/exports/{id}': async (t, b) => {
    const id = (await t.http.post('/v1/audit-logs/exports').set(b.auth).send({ format: 'ndjson' })).body.id;
    return { id, read: async () => (await t.http.get(`/v1/audit-logs/exports/${id}`).set(b.auth)).body };
  },
};
