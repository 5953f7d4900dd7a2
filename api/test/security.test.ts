/**
 * Driven by openapi/openapi.json: every operation is called without credentials (401), with a key
 * lacking its scope (403), and, where it takes an id, with another tenant's id (404, nothing changed).
 * A new operation without a sample body or a foreign-id factory in its module's <m>.fixtures.ts fails the suite.
 */
import { createTestApp, expectProblem, keyWithScopes, newTenant, type TestApp, type TestTenant } from './harness';
import { bodies, objectFactories as foreign, operations, prepareSamples, spec, SUFFIXES, type Operation } from './support/operations';

/** A scope that does not include the one required (every key needs at least one scope). */
const otherScope = (needed: string[]) => (needed.includes('customers:read') ? 'tenants:read' : 'customers:read');

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  await prepareSamples();
  a = await newTenant(t, 'A');
  b = await newTenant(t, 'B');
});
afterAll(() => t.close());

const call = (op: Operation, path: string, n: number) => {
  const req = t.http[op.method](path);
  const body = bodies[op.operationId];
  return op.method === 'post' || op.method === 'patch' ? req.send((body ?? (() => ({})))(n) as object) : req;
};

describe('security suite over openapi.json', () => {
  it(`knows how to call each of the ${operations.length} operations`, () => {
    const missingBodies = operations.filter(
      (o) => (o.method === 'post' || o.method === 'patch') && !bodies[o.operationId] && !/\/(suspend|resume)$|logout|email-verification$/.test(o.path),
    );
    const missingFactories = operations.filter((o) => o.path.includes('{id}') && !foreign[o.path.replace(SUFFIXES, '')]);
    expect(missingBodies.map((o) => o.operationId)).toEqual([]);
    expect(missingFactories.map((o) => o.operationId)).toEqual([]);
  });

  it('rejects every protected operation without credentials (401) and documents the public ones', async () => {
    let covered = 0;
    for (const [n, op] of operations.entries()) {
      const path = op.path.replace('{id}', 'x_00000000000000000000000000');
      if (op.scopes === null) {
        // Public: reachable without credentials (login may still answer 401 for a wrong password).
        const res = await call(op, path, n);
        expect([op.operationId, res.body.code]).not.toEqual([op.operationId, 'unauthenticated']);
      } else {
        const res = await call(op, path, n);
        expect([op.operationId, res.status]).toEqual([op.operationId, 401]);
        expectProblem(res, 401);
        const bad = await call(op, path, n).set({ Authorization: 'Bearer sk_live_not_a_real_key' });
        expect([op.operationId, bad.status]).toEqual([op.operationId, 401]);
      }
      covered++;
    }
    console.log(`security suite: 401 checks covered ${covered}/${operations.length} operations`);
    expect(covered).toBe(operations.length);
  });

  it('rejects every scoped operation with a key lacking the scope (403), and session-only ones with a key (401)', async () => {
    let covered = 0;
    for (const [n, op] of operations.entries()) {
      if (op.scopes === null) continue;
      const path = op.path.replace('{id}', 'x_00000000000000000000000000');
      if (op.sessionOnly) {
        const res = await call(op, path, n).set(a.auth);
        expect([op.operationId, res.status, res.body.code]).toEqual([op.operationId, 401, 'session_required']);
      } else {
        const key = await keyWithScopes(t, a, [otherScope(op.scopes)]);
        const res = await call(op, path, n).set(key);
        expect([op.operationId, res.status, res.body.code]).toEqual([op.operationId, 403, 'missing_permission']);
      }
      covered++;
    }
    const protectedOps = operations.filter((o) => o.scopes !== null).length;
    console.log(`security suite: 403 checks covered ${covered}/${protectedOps} protected operations`);
    expect(covered).toBe(protectedOps);
  });

  it("lets a key holding exactly the route's scope past authorization: the service's authorize() agrees with @Security", async () => {
    // The route's scope is checked by the authentication middleware, the service's by authorize(): were
    // they to name different permissions, a key with only the route's scope would get a 403 here.
    const disagreements: string[] = [];
    let covered = 0;
    for (const [n, op] of operations.entries()) {
      if (op.scopes === null || op.sessionOnly || !op.scopes.length) continue;
      const path = op.path.replace('{id}', 'x_00000000000000000000000000');
      const key = await keyWithScopes(t, a, op.scopes);
      const res = await call(op, path, n).set(key);
      if (res.status === 403 && res.body.code === 'missing_permission') disagreements.push(`${op.operationId}: ${res.body.detail}`);
      covered++;
    }
    console.log(`security suite: route scope = service permission for ${covered} key-callable operations`);
    expect(disagreements).toEqual([]);
    expect(covered).toBeGreaterThan(50);
  });

  it("answers 404 for another tenant's id on every operation that takes one, and changes nothing", async () => {
    const byId = operations.filter((o) => o.path.includes('{id}'));
    let covered = 0;
    for (const [n, op] of byId.entries()) {
      const target = await foreign[op.path.replace(SUFFIXES, '')](t, b);
      const before = await target.read();
      const res = await call(op, op.path.replace('{id}', target.id), n).set(op.sessionOnly ? a.session : a.auth);
      expect([op.operationId, res.status]).toEqual([op.operationId, 404]);
      expectProblem(res, 404);
      expect([op.operationId, await target.read()]).toEqual([op.operationId, before]);
      covered++;
    }
    console.log(`security suite: cross-tenant checks covered ${covered}/${byId.length} operations with an id`);
    expect(covered).toBe(byId.length);
  });

  it('documents a security requirement or explicit public access, a summary and error responses on every operation', () => {
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods) as [
        string,
        { operationId?: string; summary?: string; security?: unknown[]; responses: Record<string, unknown> },
      ][]) {
        const where = `${method.toUpperCase()} ${path}`;
        expect([where, typeof op.operationId, typeof op.summary, Array.isArray(op.security)]).toEqual([where, 'string', 'string', true]);
        expect([where, Object.keys(op.responses).some((s) => Number(s) >= 400)]).toEqual([where, true]);
        const security = op.security as Record<string, string[]>[];
        const scoped = security.some((s) => Object.values(s).some((scopes) => scopes.length > 0));
        const expected = [...(security.length ? ['401'] : []), ...(scoped ? ['403'] : [])];
        expect([where, Object.keys(op.responses)]).toEqual([where, expect.arrayContaining(expected)]);
      }
    }
  });
});
