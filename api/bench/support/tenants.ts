export interface BenchTenant {
  name: string;
  tenantId: string;
  /** An API key with customers:read and customers:write. */
  key: string;
}

async function post(base: string, path: string, auth: string | undefined, body: unknown): Promise<Record<string, string>> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, string>;
}

/** A tenant and its API key, made as a customer makes them: sign up, then create a key with the session. */
export async function newTenant(base: string, name: string): Promise<BenchTenant> {
  const session = await post(base, '/v1/auth/signup', undefined, {
    email: `${name}@bench.local`,
    password: 'correct horse battery staple',
    name,
    tenant_name: name,
  });
  const key = await post(base, '/v1/api-keys', session.access_token, { name: 'bench', scopes: ['customers:read', 'customers:write'] });
  return { name, tenantId: session.tenant_id, key: key.secret };
}
