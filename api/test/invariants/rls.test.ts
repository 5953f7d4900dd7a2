/**
 * The row-level security catalogue, read from the live schema after every migration: each table in
 * `public` with a `tenant_id` column (and each other table with RLS) has RLS enabled and forced and
 * exactly the policies `tenantRls()` (core/db/rls.ts) writes, or an entry in ALLOW_LIST saying why not.
 * The second test runs the same check over deliberately broken tables, so the first cannot pass vacuously.
 */
import pg from 'pg';
import { APP_ROLE } from '../../src/core/db/database';
import { RLS_APP_ROLE, TENANT_SUBTREE_PREDICATE, tenantRls, type TenantRlsOptions } from '../../src/core/db/rls';
import { KERNEL_TABLES } from '../../src/core/module';
import { registry } from '../../src/modules/index';
import { createTestApp, testDatabaseUrl, type TestApp } from '../harness';

/**
 * Tables with a `tenant_id` and no row-level security, each with its reason: declared by the module
 * that owns them (`rlsExempt` in its manifest). An entry whose table is secured after all (or gone)
 * fails the test: remove it then.
 */
const ALLOW_LIST: Record<string, string> = registry.rlsExempt;

/** Tables secured with another predicate than `tenant_id`, and the options tenantRls() was given for them. */
const SPECIAL: Record<string, TenantRlsOptions> = {
  tenants: { predicate: TENANT_SUBTREE_PREDICATE },
};

interface PolicyShape {
  name: string;
  permissive: string;
  roles: string;
  cmd: string;
  qual: string | null;
  check: string | null;
}

/** A table's policies as comparable text, the owner role written as `<owner>`. */
async function policiesOf(db: pg.ClientBase, schema: string, table: string, owner: string): Promise<string[]> {
  const { rows } = await db.query<PolicyShape>(
    `select policyname as name, permissive, array_to_string(roles, ',') as roles, cmd, qual, with_check as check
       from pg_policies where schemaname = $1 and tablename = $2 order by policyname`,
    [schema, table],
  );
  return rows.map((p) => {
    const roles = p.roles
      .split(',')
      .map((r) => (r === owner ? '<owner>' : r))
      .join(',');
    const tableName = new RegExp(`\\b${table}\\.`, 'g'); // deparsed quals may qualify columns with the table
    return `${p.name} ${p.permissive} to ${roles} for ${p.cmd} using ${p.qual?.replace(tableName, '')} check ${p.check?.replace(tableName, '')}`;
  });
}

/**
 * What is wrong with the row-level security of `schema`'s tables, one line per finding. The expected
 * policies are those `tenantRls()` creates on a reference table, as PostgreSQL deparses them.
 */
async function rlsFindings(db: pg.ClientBase, schema: string, allowList: Record<string, string>, special: Record<string, TenantRlsOptions>): Promise<string[]> {
  const { rows: tables } = await db.query<{ name: string; tenant_id: boolean; enabled: boolean; forced: boolean; owner: string }>(
    `select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced, pg_get_userbyid(c.relowner) as owner,
            exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as tenant_id
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p') order by c.relname`,
    [schema],
  );
  const findings: string[] = [];
  for (const [name, reason] of Object.entries(allowList)) {
    const table = tables.find((t) => t.name === name);
    if (!reason.trim()) findings.push(`${name}: allow-listed without a reason`);
    if (!table?.tenant_id) findings.push(`${name}: allow-listed, but there is no such table with a tenant_id: remove the entry`);
    else if (table.enabled || table.forced) findings.push(`${name}: allow-listed, but it has row-level security now: remove the entry`);
  }
  const expected = new Map<string, string[]>();
  const reference = async (options: TenantRlsOptions): Promise<string[]> => {
    const key = JSON.stringify(options);
    if (!expected.has(key)) expected.set(key, await referencePolicies(db, options));
    return expected.get(key)!;
  };
  for (const t of tables) {
    if (allowList[t.name] !== undefined) continue;
    const options = special[t.name];
    if (!t.tenant_id && !t.enabled && !t.forced && !options) continue;
    if (!t.enabled) findings.push(`${t.name}: row-level security is not enabled`);
    if (!t.forced) findings.push(`${t.name}: row-level security is not forced`);
    const actual = await policiesOf(db, schema, t.name, t.owner);
    if (!actual.length) findings.push(`${t.name}: has no policy`);
    else {
      const want = await reference(options ?? {});
      if (JSON.stringify(actual) !== JSON.stringify(want)) {
        const args = options ? `'${t.name}', ${JSON.stringify(options)}` : `'${t.name}'`;
        findings.push(`${t.name}: policies differ from tenantRls(${args}):\n    have ${actual.join('\n         ')}\n    want ${want.join('\n         ')}`);
      }
    }
  }
  return findings;
}

/** The policies tenantRls() creates, read back from a temporary table in a transaction that is rolled back. */
async function referencePolicies(db: pg.ClientBase, options: TenantRlsOptions): Promise<string[]> {
  await db.query('begin');
  try {
    const schema = `rls_reference_${process.pid}`;
    await db.query(`create schema ${schema}`);
    await db.query(`set local search_path = ${schema}`);
    await db.query(`create table reference (id text, tenant_id text, path text[])`);
    for (const sql of tenantRls('reference', options)) await db.query(sql);
    const owner = (await db.query<{ u: string }>('select current_user as u')).rows[0]!.u;
    return await policiesOf(db, schema, 'reference', owner);
  } finally {
    await db.query('rollback');
  }
}

let t: TestApp;
let db: pg.Client;
beforeAll(async () => {
  t = await createTestApp(); // the run's database, with every migration applied
  db = new pg.Client({ connectionString: testDatabaseUrl() });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await t?.close();
});

it('secures every table with a tenant_id: RLS enabled and forced, the policies of tenantRls(), or an allow-list entry with its reason', async () => {
  expect(RLS_APP_ROLE).toBe(APP_ROLE);
  const findings = await rlsFindings(db, 'public', ALLOW_LIST, SPECIAL);
  expect(findings).toEqual([]);
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and c.relforcerowsecurity`,
  );
  console.log(`RLS catalogue: ${rows[0]!.n} tables under the standard policies, ${Object.keys(ALLOW_LIST).length} allow-listed`);
  expect(rows[0]!.n).toBeGreaterThanOrEqual(20);
});

it('knows the owner of every table with a tenant_id: the kernel or exactly one module manifest', async () => {
  const { rows } = await db.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
      order by 1`,
  );
  const inDatabase = rows.map((r) => r.name);
  const declared = [...KERNEL_TABLES, ...registry.tenantTables, ...Object.keys(registry.rlsExempt)].sort();
  // A new table needs its module's tenantTables (so GDPR, sandboxes and silos find it); a declared table must exist.
  expect({ undeclared: inDatabase.filter((t) => !declared.includes(t)), missing: declared.filter((t) => !inDatabase.includes(t)) }).toEqual({
    undeclared: [],
    missing: [],
  });
});

it('finds a table whose row-level security is missing, unforced, without policy, of another idiom or loosened', async () => {
  const schema = `rls_probe_${process.pid}`;
  await db.query(`drop schema if exists ${schema} cascade`);
  await db.query(`create schema ${schema}`);
  try {
    const table = (name: string, extra = '') => db.query(`create table ${schema}.${name} (id text primary key, tenant_id text not null${extra})`);
    const secure = async (name: string) => {
      await db.query(`set search_path = ${schema}`);
      for (const sql of tenantRls(name)) await db.query(sql);
      await db.query('reset search_path');
    };
    await table('good');
    await secure('good');
    await table('unsecured');
    await table('unforced');
    await secure('unforced');
    await db.query(`alter table ${schema}.unforced no force row level security`);
    await table('no_policy');
    await db.query(`alter table ${schema}.no_policy enable row level security, force row level security`);
    await table('every_role'); // the kernel's former idiom: one policy for every role, none for the owner
    await db.query(`alter table ${schema}.every_role enable row level security, force row level security`);
    await db.query(
      `create policy tenant_isolation on ${schema}.every_role using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true))`,
    );
    await table('loosened');
    await secure('loosened');
    await db.query(`create policy everyone on ${schema}.loosened using (true)`);
    await table('wrong_column', ', owner_id text');
    await secure('wrong_column');
    await db.query(`drop policy tenant_isolation on ${schema}.wrong_column`);
    await db.query(
      `create policy tenant_isolation on ${schema}.wrong_column to plinth_app using (owner_id = current_setting('app.tenant_id', true)) with check (owner_id = current_setting('app.tenant_id', true))`,
    );
    await table('exempt');
    await table('stale_entry');
    await secure('stale_entry');

    const findings = await rlsFindings(db, schema, { exempt: 'a reason', stale_entry: 'no longer true', gone: 'a table since dropped', unforced: '' }, {});
    const summary = findings.map((f) => f.split('\n')[0]!.replace(/\(.*$/, '').trim());
    expect(summary).toEqual([
      'stale_entry: allow-listed, but it has row-level security now: remove the entry',
      'gone: allow-listed, but there is no such table with a tenant_id: remove the entry',
      'unforced: allow-listed without a reason',
      'unforced: allow-listed, but it has row-level security now: remove the entry',
      'every_role: policies differ from tenantRls',
      'loosened: policies differ from tenantRls',
      'no_policy: has no policy',
      'unsecured: row-level security is not enabled',
      'unsecured: row-level security is not forced',
      'unsecured: has no policy',
      'wrong_column: policies differ from tenantRls',
    ]);
    // Without the allow-list entry, the unforced table is reported for what it is.
    expect(await rlsFindings(db, schema, { exempt: 'a reason' }, {})).toContain('unforced: row-level security is not forced');
    expect(await rlsFindings(db, schema, {}, {})).toEqual(expect.arrayContaining(['exempt: row-level security is not enabled']));
  } finally {
    await db.query(`drop schema ${schema} cascade`);
  }
});
