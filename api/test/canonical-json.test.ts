import { canonicalJson } from '../src/core/events/canonical';
import { auditHash, GENESIS_HASH } from '../src/core/events/record';

/** An audit entry as the sealer hashes it (read back from the database), with the values that matter. */
const entry = {
  id: 'aud_01JDA4Y7Q5X3M8N2P6R9T0V1W2',
  tenant_id: 'ten_01JDA4Y7Q5X3M8N2P6R9T0V1W2',
  seq: 7,
  occurred_at: '2026-11-22T10:00:00.000Z',
  actor: { type: 'api_key' as const, id: 'key_01JDA4Y7Q5X3M8N2P6R9T0V1W2', via_tenant_id: 'ten_01JDA4Y7Q5X3M8N2P6R9T0V1W3' },
  action: 'customer.updated',
  target: { type: 'customer', id: 'cus_01JDA4Y7Q5X3M8N2P6R9T0V1W2' },
  ip: '203.0.113.7',
  user_agent: 'curl/8.5.0',
  request_id: 'req_01JDA4Y7Q5X3M8N2P6R9T0V1W2',
  changes: {
    name: { from: 'Zoë “Ltd”', to: 'Zoë 😀\u2028\u0007' },
    metadata: { from: null, to: { '10': 'a', '2': 'b', tier: 'gold', '-1': 'c' } },
    amount: { from: 0.1, to: 1e21 },
    tags: { from: [], to: ['b', 'a'] },
  },
};

describe('canonical JSON (the audit hash chain hashes it)', () => {
  it('keeps the form every existing chain was hashed with', () => {
    // Computed before the libraries of issue 11: a change here breaks the verification of deployed chains.
    expect(auditHash(GENESIS_HASH, entry)).toBe('731a6bf5d6d22ed37c1f3a50bbaf7bdb690b5569a2e41b2e1f2e3239a09e1834');
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 'x', '10': 1, '2': 2 })).toBe('{"2":2,"10":1,"a":"x","b":[{"c":2,"d":1}]}');
  });

  it('is RFC 8785 (the canonicalize library) except that integer-like keys come first in numeric order, so it stays ours', async () => {
    // canonicalize@4 exports only an `import` condition, which neither our CommonJS build nor jest's resolver uses.
    const { default: canonicalize } = (await import('../../node_modules/canonicalize/lib/canonicalize.js')) as { default: (v: unknown) => string };
    const { metadata: _, ...rest } = entry.changes;
    expect(canonicalJson({ ...entry, changes: rest })).toBe(canonicalize({ ...entry, changes: rest }));
    // A tenant's metadata keys are free text: RFC 8785 sorts "10" before "2", JavaScript objects do not.
    expect(canonicalJson(entry.changes.metadata)).toBe('{"from":null,"to":{"2":"b","10":"a","-1":"c","tier":"gold"}}');
    expect(canonicalize(entry.changes.metadata)).toBe('{"from":null,"to":{"-1":"c","10":"a","2":"b","tier":"gold"}}');
  });
});
