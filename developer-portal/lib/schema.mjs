// Reading the contract's schemas: following $refs and making example values from their `example`s.

/** The schema a `$ref` points at (or the node itself). */
export function deref(spec, node) {
  let n = node;
  for (let i = 0; n?.$ref && i < 20; i++) {
    n = n.$ref
      .split('/')
      .slice(1)
      .reduce((o, k) => o?.[k], spec);
  }
  return n;
}

/** An object schema's own view: `allOf` members merged, `$ref`s followed. */
export function objectView(spec, node) {
  let s = deref(spec, node);
  // A union (an event): its first member stands for it.
  while (s && !s.properties && (s.anyOf ?? s.oneOf)?.length) s = deref(spec, (s.anyOf ?? s.oneOf)[0]);
  if (!s?.allOf) return s;
  const parts = s.allOf.map((p) => objectView(spec, p));
  return {
    ...s,
    properties: Object.assign({}, ...parts.map((p) => p?.properties ?? {}), s.properties ?? {}),
    required: [...new Set([...parts.flatMap((p) => p?.required ?? []), ...(s.required ?? [])])],
  };
}

/** `TenantUpdate`, `TenantCreate` and `TenantDto` are one resource's schemas: their fields share examples. */
const stem = (name) => name?.replace(/(Create|Update|Dto|Input|Request|WithSecret|WithToken|Summary)$/, '');

/** The example of the same field in a sibling schema (the `name` of an update, from the create). */
function siblingExample(spec, owner, name) {
  const own = stem(owner);
  const schemas = Object.entries(spec.components?.schemas ?? {});
  const example = ([, schema]) => schema.properties?.[name]?.example;
  const sibling = own && own.length >= 3 ? schemas.find((entry) => stem(entry[0]) === own && example(entry) !== undefined) : undefined;
  if (sibling) return example(sibling);
  // Field names that mean the same thing everywhere (a password is a password) borrow from any schema.
  const anywhere = GENERIC_FIELDS.has(name) ? schemas.find((entry) => example(entry) !== undefined) : undefined;
  return anywhere && example(anywhere);
}
const GENERIC_FIELDS = new Set(['password', 'email', 'name', 'description', 'metadata', 'url', 'redirect_uri', 'domains']);

/** A value a person would write for a field without an example. */
function placeholder(spec, s, name, owner) {
  if (s.enum) return s.enum[0];
  const borrowed = name && siblingExample(spec, owner, name);
  if (borrowed !== undefined && typeof borrowed === (s.type === 'integer' ? 'number' : s.type)) return borrowed;
  if (s.type === 'boolean') return true;
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
  if (s.format === 'date-time') return '2026-11-22T10:00:00.000Z';
  if (s.format === 'email' || name === 'email') return 'jane@acme.com';
  if (/(^|_)url$|uri$/.test(name ?? '')) return 'https://example.com';
  return name ?? 'string';
}

/**
 * An example value of a schema. `minimal`: for objects, only required fields and those that carry
 * an example (what a request sample should show); otherwise every field (an example payload).
 */
export function exampleOf(spec, node, { minimal = false, name, owner, depth = 0 } = {}) {
  const s = objectView(spec, node);
  const self = node?.$ref ? node.$ref.split('/').pop() : owner;
  if (!s || depth > 8) return null;
  if (s.example !== undefined) return s.example;
  if (s.anyOf || s.oneOf) return exampleOf(spec, (s.anyOf ?? s.oneOf)[0], { minimal, name, owner, depth: depth + 1 });
  if (s.type === 'array') return [exampleOf(spec, s.items, { minimal, name, owner, depth: depth + 1 })];
  if (s.type === 'object' || s.properties) {
    const required = new Set(s.required ?? []);
    const out = {};
    for (const [key, prop] of Object.entries(s.properties ?? {})) {
      const p = objectView(spec, prop);
      if (minimal && !required.has(key) && p?.example === undefined) continue;
      if (!minimal && p?.nullable && p.example === undefined && !required.has(key)) continue;
      out[key] = exampleOf(spec, prop, { minimal, name: key, owner: self, depth: depth + 1 });
    }
    if (!Object.keys(out).length && s.additionalProperties && !minimal) out.key = 'value';
    return out;
  }
  return placeholder(spec, s, name, owner);
}

/** The type of a field, for a table: `string (date-time)`, `Customer`, `array of string`. */
export function typeLabel(spec, node) {
  if (node?.$ref) return node.$ref.split('/').pop();
  const s = node ?? {};
  if (s.allOf?.length === 1) return typeLabel(spec, s.allOf[0]);
  if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf).map((n) => typeLabel(spec, n)).join(' or ');
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.type === 'array') return `array of ${typeLabel(spec, s.items)}`;
  const base = s.type ?? 'object';
  return `${base}${s.format ? ` (${s.format})` : ''}${s.nullable ? ', nullable' : ''}`;
}

/** A component schema with every `$ref` inlined (as `GET /v1/event-types` serves it; a cycle becomes `{}`). */
export function resolvedSchema(name, spec) {
  const schemas = spec.components.schemas;
  const inline = (node, seen) => {
    if (Array.isArray(node)) return node.map((n) => inline(n, seen));
    if (!node || typeof node !== 'object') return node;
    if (node.$ref?.startsWith('#/components/schemas/')) {
      const target = node.$ref.slice('#/components/schemas/'.length);
      return seen.includes(target) ? {} : inline(schemas[target], [...seen, target]);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, seen)]));
  };
  return inline(schemas[name], [name]);
}
