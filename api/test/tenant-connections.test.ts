import pino from 'pino';
import { isoTimestamp, TenantConnections } from '../src/core/db/tenant-connections';
import { createTestApp, newTenant, type TestApp } from './harness';

/**
 * The hot paths keep each connection's tenant between requests (core/db/tenant-connections.ts). These
 * tests squeeze two tenants through a pool of ONE connection, so every other checkout has to move it,
 * and read with no tenant condition of their own: row-level security is the only filter, so a
 * connection serving a request with the other tenant's setting would show the other tenant's rows.
 */
let t: TestApp;
let reads: TenantConnections;
let writes: TenantConnections;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  t = await createTestApp();
  reads = new TenantConnections(t.runtime.database.appUrl, log, { max: 1, readOnly: true, what: 'test reader' });
  writes = new TenantConnections(t.runtime.database.appUrl, log, { max: 1, readOnly: false, what: 'test writer' });
});
afterAll(async () => {
  await reads.close();
  await writes.close();
  await t.close();
});

interface Seen {
  tenant_id: string;
  setting: string;
}

const SEEN = `select tenant_id, current_setting('app.tenant_id', true) as setting from customers`;

describe('connections that keep their tenant', () => {
  it('never serve one tenant with the other tenant setting, interleaved over one connection', async () => {
    const [a, b] = [await newTenant(t, 'A'), await newTenant(t, 'B')];
    for (const x of [a, b]) {
      for (let i = 0; i < 3; i++)
        expect(
          (
            await t.http
              .post('/v1/customers')
              .set(x.auth)
              .send({ name: `${x.tenantId} ${i}` })
          ).status,
        ).toBe(201);
    }
    // 200 reads, alternating and concurrent: they queue for the one connection in an order nobody controls.
    const order = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? a : i % 2 ? b : a));
    const results = await Promise.all(order.map((x) => reads.run(x.tenantId, (q) => q<Seen>('test.seen', SEEN, []))));
    results.forEach((rows, i) => {
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row).toEqual({ tenant_id: order[i]!.tenantId, setting: order[i]!.tenantId });
    });

    // Writes interleave the same way: each lands in its own tenant, or RLS's check refuses it.
    const written = await Promise.all(
      order.slice(0, 40).map((x, i) =>
        writes.run(x.tenantId, (q) =>
          q<{ tenant_id: string }>(
            'test.insert',
            `insert into customers (id, tenant_id, metadata, created_at, updated_at)
             values ('cus_' || lpad($1::text, 26, '0'), current_setting('app.tenant_id'), '{}', now(), now()) returning tenant_id`,
            [`${Date.now() % 1e9}${i}`],
          ),
        ),
      ),
    );
    written.forEach((rows, i) => expect(rows[0]!.tenant_id).toBe(order[i]!.tenantId));
  });

  it('keep a connection whose statement the database refused, with its tenant, and refuse writes on a reader', async () => {
    const a = await newTenant(t, 'A');
    const b = await newTenant(t, 'B');
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'a' });
    // Row-level security refuses a row of another tenant, whatever the SQL says.
    await expect(
      writes.run(a.tenantId, (q) =>
        q('test.foreign', `insert into customers (id, tenant_id, metadata, created_at, updated_at) values ('cus_X', $1, '{}', now(), now())`, [b.tenantId]),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(reads.run(a.tenantId, (q) => q('test.write', `update customers set name = 'x'`, []))).rejects.toThrow(/read-only transaction/);
    const after = await reads.run(b.tenantId, (q) => q<Seen>('test.seen', SEEN, []));
    expect(after).toEqual([]);
    const own = await reads.run(a.tenantId, (q) => q<Seen>('test.seen', SEEN, []));
    expect(own).toEqual([{ tenant_id: a.tenantId, setting: a.tenantId }]);
  });

  it('refuse anything but a tenant id', async () => {
    await expect(reads.run(`x', true); select set_config('app.tenant_id', 'y`, async () => 1)).rejects.toThrow(/needs a tenant id/);
  });

  it('return timestamps that turn into the API form exactly as a Date would write them', async () => {
    const a = await newTenant(t, 'A');
    const written = ['2026-12-02T14:06:23.000Z', '2026-12-02T14:06:23.100Z', '2026-12-02T14:06:23.291Z', '1999-01-01T00:00:00.999Z', new Date().toISOString()];
    const rows = await reads.run(a.tenantId, (q) => q<{ ts: string }>('test.ts', `select unnest($1::timestamptz[]) as ts`, [written]));
    expect(rows.map((r) => typeof r.ts)).toEqual(written.map(() => 'string'));
    expect(rows.map((r) => isoTimestamp(r.ts))).toEqual(written);
    // Fractions of a millisecond are cut, as Date does; another offset falls back to Date.
    expect(isoTimestamp('2026-12-02 14:06:23.123987+00')).toBe('2026-12-02T14:06:23.123Z');
    expect(isoTimestamp('2026-12-02 16:06:23.5+02')).toBe('2026-12-02T14:06:23.500Z');
  });
});
