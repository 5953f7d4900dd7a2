import pg from 'pg';
import { createTestApp, expectProblem, newTenant, testDatabaseUrl, type TestApp } from '../../../test/harness';
import { waitFor } from '../../../test/support/receiver';

let t: TestApp;
let owner: pg.Client;
beforeAll(async () => {
  t = await createTestApp({ worker: true, ownDatabase: 'audit' });
  owner = new pg.Client({ connectionString: testDatabaseUrl('audit') });
  await owner.connect();
});
afterAll(async () => {
  await owner.end();
  await t.close();
});

/** Changes sealed entries as someone with the owner's rights would: the trigger that guards them switched off first. */
async function tamper(sql: string, params: unknown[]): Promise<void> {
  await owner.query('begin');
  await owner.query('alter table audit_logs disable trigger audit_logs_sealed_is_final');
  await owner.query(sql, params);
  await owner.query('alter table audit_logs enable trigger audit_logs_sealed_is_final');
  await owner.query('commit');
}

describe('audit log', () => {
  it('records who did what to which object, from where, with secrets redacted', async () => {
    const a = await newTenant(t);
    const customer = (await t.http.post('/v1/customers').set(a.auth).set('User-Agent', 'audit-test/1.0').send({ name: 'Audited' })).body;
    const updated = await t.http.patch(`/v1/customers/${customer.id}`).set(a.auth).send({ email: 'new@example.com' });
    const res = await t.http.get(`/v1/audit-logs?target=${customer.id}`).set(a.auth);
    expect(res.status).toBe(200);
    const [update, create] = res.body.data;
    expect(create).toMatchObject({
      object: 'audit_log',
      tenant_id: a.tenantId,
      action: 'customer.created',
      target: { type: 'customer', id: customer.id },
      actor: { type: 'api_key' },
      user_agent: 'audit-test/1.0',
    });
    expect(create.actor.id).toMatch(/^key_/);
    expect(create.ip).toBeTruthy();
    expect(create.changes.name).toEqual({ from: null, to: 'Audited' });
    expect(update.changes).toEqual({ email: { from: null, to: 'new@example.com' } });
    expect(update.request_id).toBe(updated.headers['request-id']);

    // An API key's secret never reaches the audit log or the events.
    const key = await t.http
      .post('/v1/api-keys')
      .set(a.auth)
      .send({ name: 'ci', scopes: ['customers:read'] });
    const keyEntries = await t.http.get(`/v1/audit-logs?target=${key.body.id}`).set(a.auth);
    expect(JSON.stringify(keyEntries.body)).not.toContain(key.body.secret);
    const events = await t.http.get('/v1/events?type=api_key.created').set(a.auth);
    expect(JSON.stringify(events.body)).not.toContain(key.body.secret);

    // Sign-in and session actions are audited with the user as actor.
    const login = await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password });
    const signins = await t.http.get(`/v1/audit-logs?action=user.signed_in&actor=${a.userId}`).set(a.auth);
    expect(signins.body.data.map((e: { target: { id: string } }) => e.target.id)).toContain(login.body.session_id);
    const wildcard = await t.http.get('/v1/audit-logs?action=customer.*').set(a.auth);
    expect(wildcard.body.data.map((e: { action: string }) => e.action)).toEqual(['customer.updated', 'customer.created']);
  });

  it('records an operator acting in a child tenant with the tenant it acts through', async () => {
    const root = { Authorization: 'Bearer sk_live_testrootkey0000000000000000000000' };
    const child = (await t.http.post('/v1/tenants').set(root).send({ name: 'Child' })).body;
    await t.http.post('/v1/customers').set(root).set('Plinth-Tenant', child.id).send({ name: 'Via operator' });
    const [row] = (await owner.query(`select actor from audit_logs where tenant_id = $1 and action = 'customer.created'`, [child.id])).rows;
    expect(row.actor.via_tenant_id).toBeTruthy();
    expect(row.actor.via_tenant_id).not.toBe(child.id);
  });

  it('verifies an intact chain and reports where an altered or missing row breaks it', async () => {
    const a = await newTenant(t);
    for (let i = 0; i < 5; i++)
      await t.http
        .post('/v1/customers')
        .set(a.auth)
        .send({ name: `C${i}` });
    const intact = await t.http.get('/v1/audit-logs/verify').set(a.auth);
    expect(intact.body).toMatchObject({ object: 'audit_log_verification', intact: true, first_seq: 1, break: null, pending: 0 });
    expect(intact.body.entries_checked).toBe(intact.body.last_seq);

    const { rows } = await owner.query(`select id, seq from audit_logs where tenant_id = $1 and action = 'customer.created' order by seq limit 1 offset 2`, [
      a.tenantId,
    ]);
    const victim = rows[0];
    await tamper(`update audit_logs set changes = '{"name":{"from":null,"to":"forged"}}' where id = $1`, [victim.id]);
    const altered = await t.http.get('/v1/audit-logs/verify').set(a.auth);
    expect(altered.body).toMatchObject({ intact: false, break: { seq: Number(victim.seq), id: victim.id, reason: 'hash_mismatch' } });

    const b = await newTenant(t);
    await t.http.post('/v1/customers').set(b.auth).send({ name: 'x' });
    await t.http.post('/v1/customers').set(b.auth).send({ name: 'y' });
    await t.http.get('/v1/audit-logs/verify').set(b.auth); // seals what is pending, so the rows below have their seq
    const mid = (await owner.query(`select seq from audit_logs where tenant_id = $1 order by seq limit 1 offset 1`, [b.tenantId])).rows[0];
    await owner.query(`delete from audit_logs where tenant_id = $1 and seq = $2`, [b.tenantId, mid.seq]);
    const gap = await t.http.get('/v1/audit-logs/verify').set(b.auth);
    expect(gap.body).toMatchObject({ intact: false, break: { seq: Number(mid.seq), reason: 'sequence_gap' } });
  });

  it('is append-only for the application role, and a sealed entry cannot change even for the owner', async () => {
    const { rows } = await owner.query(
      `select has_table_privilege('plinth_app', 'audit_logs', 'DELETE') as d,
              has_column_privilege('plinth_app', 'audit_logs', 'changes', 'UPDATE') as content,
              has_column_privilege('plinth_app', 'audit_logs', 'hash', 'UPDATE') as seal`,
    );
    // The application may seal a pending entry (seq and hashes), never change what it says or remove it.
    expect(rows[0]).toEqual({ d: false, content: false, seal: true });
    const a = await newTenant(t);
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'Sealed' });
    await t.http.get('/v1/audit-logs/verify').set(a.auth); // seals
    const { rows: sealed } = await owner.query(`select id from audit_logs where tenant_id = $1 and seq is not null limit 1`, [a.tenantId]);
    await expect(owner.query(`update audit_logs set hash = 'x', prev_hash = 'x' where id = $1`, [sealed[0].id])).rejects.toThrow(/is sealed/);
  });

  it('seals 50 concurrent creates of one tenant into its chain, in order, with no gap, without writers waiting on each other', async () => {
    const a = await newTenant(t);
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http
          .post('/v1/customers')
          .set(a.auth)
          .send({ name: `Concurrent ${i}` }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(Array(50).fill(201));
    // The worker seals within a second of commit, with no read asking it to.
    await waitFor(
      async () => (await owner.query(`select count(*)::int as n from audit_logs where tenant_id = $1 and seq is null`, [a.tenantId])).rows[0].n === 0,
    );
    const { rows } = await owner.query(`select id, seq, prev_hash, hash, target_id from audit_logs where tenant_id = $1 order by seq`, [a.tenantId]);
    const customers = rows.filter((r) => created.some((c) => c.body.id === r.target_id));
    expect(customers).toHaveLength(50);
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    const head = (await owner.query(`select seq, hash from audit_chain_heads where tenant_id = $1`, [a.tenantId])).rows[0];
    expect({ seq: Number(head.seq), hash: head.hash }).toEqual({ seq: rows.length, hash: rows[rows.length - 1].hash });
    const verify = await t.http.get('/v1/audit-logs/verify').set(a.auth);
    expect(verify.body).toMatchObject({ intact: true, first_seq: 1, entries_checked: rows.length, pending: 0 });
    // Each sealed entry is announced once, carrying its place in the chain.
    const announced = await waitFor(async () => {
      const { rows: events } = await owner.query(`select data from events where tenant_id = $1 and type = 'audit.entry.created'`, [a.tenantId]);
      return events.length >= rows.length && events;
    });
    const seqs = announced.map((e: { data: { object: { seq: number } } }) => e.data.object.seq).sort((x: number, y: number) => x - y);
    expect(seqs).toEqual(rows.map((_, i) => i + 1));
  });

  it('exports matching entries as CSV and NDJSON through a job, with progress and a download', async () => {
    const a = await newTenant(t);
    for (let i = 0; i < 3; i++)
      await t.http
        .post('/v1/customers')
        .set(a.auth)
        .send({ name: `=cmd|' /C calc'!A${i}` });
    const created = await t.http
      .post('/v1/audit-logs/exports')
      .set(a.auth)
      .send({ format: 'csv', filter: { action: 'customer.*' } });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ object: 'audit_log_export', status: 'pending', progress: 0, download_url: null });
    const done = await waitFor(async () => {
      const res = await t.http.get(`/v1/audit-logs/exports/${created.body.id}`).set(a.auth);
      return res.body.status === 'succeeded' && res.body;
    });
    expect(done).toMatchObject({ total_rows: 3, exported_rows: 3, progress: 1 });
    expect(done.download_url).toContain(`/v1/audit-logs/exports/${created.body.id}/download`);
    const file = await t.http.get(`/v1/audit-logs/exports/${created.body.id}/download`).set(a.auth);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/text\/csv/);
    const lines = file.text.trim().split('\n');
    expect(lines[0]).toMatch(/^id,seq,occurred_at/);
    expect(lines).toHaveLength(4);
    expect(file.text).not.toMatch(/,=cmd/); // formula injection is neutralised

    const nd = await t.http.post('/v1/audit-logs/exports').set(a.auth).send({ format: 'ndjson' });
    await waitFor(async () => (await t.http.get(`/v1/audit-logs/exports/${nd.body.id}`).set(a.auth)).body.status === 'succeeded');
    const ndFile = await t.http.get(`/v1/audit-logs/exports/${nd.body.id}/download`).set(a.auth);
    const entries = ndFile.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.length).toBeGreaterThanOrEqual(6);
    expect(entries[0].object).toBe('audit_log');

    expectProblem(await t.http.post('/v1/audit-logs/exports').set(a.auth).send({ format: 'xml' }), 422, 'validation_failed');
    // An export that is still running cannot be downloaded (set back to running, so the race with the worker cannot hide it).
    await owner.query(`update audit_exports set status = 'running' where id = $1`, [nd.body.id]);
    expectProblem(await t.http.get(`/v1/audit-logs/exports/${nd.body.id}/download`).set(a.auth), 409, 'export_not_ready');
  });

  it('applies retention: events after 30 days, audit entries after the tenant setting, and the chain still verifies', async () => {
    const a = await newTenant(t);
    for (let i = 0; i < 4; i++)
      await t.http
        .post('/v1/customers')
        .set(a.auth)
        .send({ name: `R${i}` });
    const setting = await t.http.patch(`/v1/tenants/${a.tenantId}`).set(a.auth).send({ audit_log_retention_days: 90 });
    expect(setting.body.audit_log_retention_days).toBe(90);
    expectProblem(await t.http.patch(`/v1/tenants/${a.tenantId}`).set(a.auth).send({ audit_log_retention_days: 0 }), 422, 'validation_failed');
    await t.http.get('/v1/audit-logs/verify').set(a.auth); // seals what is pending
    await tamper(`update audit_logs set occurred_at = now() - interval '91 days' where tenant_id = $1 and seq <= 3`, [a.tenantId]);
    await owner.query(`update events set created_at = now() - interval '31 days' where tenant_id = $1 and type = 'customer.created'`, [a.tenantId]);
    const removed = await t.worker!.runRetention();
    expect(removed.auditLogs).toBeGreaterThanOrEqual(3);
    expect(removed.events).toBeGreaterThanOrEqual(4);
    const events = await t.http.get('/v1/events?type=customer.created').set(a.auth);
    expect(events.body.data).toEqual([]);
    const verify = await t.http.get('/v1/audit-logs/verify').set(a.auth);
    expect(verify.body).toMatchObject({ intact: true, first_seq: 4 });
  });
});
