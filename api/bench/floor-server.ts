/**
 * The floor of our stack for `GET /v1/customers?limit=20`: bare node:http and pg, no framework, no
 * ORM, doing the same work as Plinth: the same keyed-hash API key look-up (the same SECURITY DEFINER
 * function), then one transaction as the app role with the tenant set for row-level security and the
 * same keyset query, answered as the same JSON list. Started by bench/list.ts in its own process.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

const appUrl = process.env.FLOOR_DATABASE_URL!;
const secret = process.env.PLINTH_SECRET!;
const pool = new pg.Pool({ connectionString: appUrl, max: 10 });

const keyedHash = (value: string) => createHmac('sha256', secret).update(value).digest('hex');

const server = http.createServer(async (req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  try {
    const url = new URL(req.url ?? '/', 'http://floor');
    if (req.method !== 'GET' || url.pathname !== '/v1/customers') return send(404, { code: 'route_not_found' });
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 20)));
    const client = await pool.connect();
    try {
      const { rows: keys } = await client.query('select tenant_id, revoked_at from plinth_authenticate_api_key($1)', [keyedHash(token)]);
      const key = keys[0];
      if (!key || key.revoked_at) return send(401, { code: 'invalid_api_key' });
      await client.query('begin');
      await client.query(`select set_config('app.tenant_id', $1, true)`, [key.tenant_id]);
      const { rows } = await client.query(
        'select id, name, email, phone, company, metadata, created_at, updated_at from customers where tenant_id = $1 order by id desc limit $2',
        [key.tenant_id, limit + 1],
      );
      await client.query('commit');
      const page = rows.slice(0, limit);
      send(200, {
        object: 'list',
        data: page.map((c) => ({ ...c, object: 'customer', created_at: c.created_at.toISOString(), updated_at: c.updated_at.toISOString() })),
        has_more: rows.length > limit,
        next_cursor: rows.length > limit ? page[page.length - 1].id : null,
      });
    } finally {
      client.release();
    }
  } catch (err) {
    send(500, { code: 'internal_error', detail: String(err) });
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`floor listening on ${(server.address() as { port: number }).port}\n`);
});
