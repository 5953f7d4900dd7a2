/**
 * The true floor for Plinth's customer endpoints (issue 20): bare node:http and pg with nothing between
 * the socket and one named prepared statement per request. The API key is looked up in an in-memory map
 * (FLOOR_KEYS, a JSON object from bearer token to tenant id, given at start), the pool connects as the
 * database owner (no role switch, no row-level security setting, no transaction), and the answers are
 * Plinth's JSON. Started by bench/hot-paths.ts in its own process:
 *
 *   FLOOR_DATABASE_URL=postgres://owner@host/db FLOOR_KEYS='{"sk_...":"ten_..."}' PORT=3001 node dist/bench/true-floor.js
 */
import http from 'node:http';
import pg from 'pg';
import { monotonicFactory } from 'ulid';
import { pooledRandom } from '../src/core/random.js';

interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  metadata: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, email, phone, company, metadata, created_at, updated_at';
const STATEMENTS = {
  list: `select ${COLUMNS} from customers where tenant_id = $1 order by id desc limit $2`,
  // Plinth's filter on its (tenant_id, email_lower) index.
  listByEmail: `select ${COLUMNS} from customers where tenant_id = $1 and email_lower = lower($2) order by id desc limit $3`,
  retrieve: `select ${COLUMNS} from customers where tenant_id = $1 and id = $2`,
  create: `insert into customers (id, tenant_id, name, email, phone, company, metadata, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, now(), now()) returning ${COLUMNS}`,
};

const keys = new Map(Object.entries(JSON.parse(process.env.FLOOR_KEYS ?? '{}') as Record<string, string>));
const pool = new pg.Pool({ connectionString: process.env.FLOOR_DATABASE_URL, max: 10 });
// Ids as Plinth makes them (src/core/ids.ts): a prefix and a monotonic ULID from the pooled PRNG.
const nextUlid = monotonicFactory(pooledRandom);

async function query(name: keyof typeof STATEMENTS, values: unknown[]): Promise<CustomerRow[]> {
  return (await pool.query<CustomerRow>({ name: `floor.${name}`, text: STATEMENTS[name], values })).rows;
}

const toDto = (r: CustomerRow) => ({
  id: r.id,
  object: 'customer',
  name: r.name,
  email: r.email,
  phone: r.phone,
  company: r.company,
  metadata: r.metadata,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

const problem = (res: http.ServerResponse, status: number, code: string) =>
  send(res, status, { type: `https://docs.plinth.dev/errors/${code}`, title: http.STATUS_CODES[status], status, detail: code, code });

async function list(res: http.ServerResponse, tenantId: string, params: URLSearchParams): Promise<void> {
  const limit = Number(params.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return problem(res, 400, 'invalid_limit');
  const email = params.get('email');
  const rows = email ? await query('listByEmail', [tenantId, email, limit + 1]) : await query('list', [tenantId, limit + 1]);
  const page = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  send(res, 200, { object: 'list', data: page.map(toDto), has_more: hasMore, next_cursor: hasMore ? page[page.length - 1].id : null });
}

async function retrieve(res: http.ServerResponse, tenantId: string, id: string): Promise<void> {
  const [row] = await query('retrieve', [tenantId, id]);
  if (!row) return problem(res, 404, 'resource_missing');
  send(res, 200, toDto(row));
}

async function create(req: http.IncomingMessage, res: http.ServerResponse, tenantId: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return problem(res, 400, 'invalid_json');
  }
  const field = (name: string) => (typeof body[name] === 'string' ? body[name] : null);
  const metadata = JSON.stringify(body.metadata ?? {});
  const [row] = await query('create', [`cus_${nextUlid()}`, tenantId, field('name'), field('email'), field('phone'), field('company'), metadata]);
  send(res, 201, toDto(row));
}

async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const [path = '/', search = ''] = (req.url ?? '/').split('?', 2);
  if (path === '/readyz') return send(res, 200, { status: 'ready' });
  const tenantId = keys.get(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
  if (!tenantId) return problem(res, 401, 'invalid_api_key');
  if (path === '/v1/customers' && req.method === 'GET') return list(res, tenantId, new URLSearchParams(search));
  if (path === '/v1/customers' && req.method === 'POST') return create(req, res, tenantId);
  const id = /^\/v1\/customers\/([^/]+)$/.exec(path)?.[1];
  if (id && req.method === 'GET') return retrieve(res, tenantId, decodeURIComponent(id));
  problem(res, 404, 'route_not_found');
}

const server = http.createServer((req, res) => {
  route(req, res).catch((err: unknown) => {
    process.stderr.write(`floor: ${String(err)}\n`);
    if (!res.headersSent) problem(res, 500, 'internal_error');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`true floor listening on ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
