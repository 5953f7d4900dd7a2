import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SvixRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

/**
 * A local server speaking the subset of Svix's published API (https://api.svix.com/docs) that
 * Plinth uses: applications, endpoints (create, patch, delete, rotate, send-example, recover),
 * messages, event types and app-portal access. State is in memory; every request is recorded.
 * Like Svix it requires a bearer token, answers 409 for an existing event type or uid, and
 * replays the stored response for a repeated idempotency key.
 */
export class FakeSvix {
  readonly requests: SvixRequest[] = [];
  readonly apps = new Map<string, Record<string, unknown>>();
  readonly endpoints = new Map<string, Record<string, unknown>>();
  readonly messages: Record<string, unknown>[] = [];
  readonly eventTypes = new Map<string, Record<string, unknown>>();
  /** Set to make every call fail with this status (Svix outage). */
  failWith: number | null = null;
  url = '';
  private readonly idempotent = new Map<string, { status: number; body: unknown }>();
  private server!: http.Server;
  private seq = 0;

  constructor(private readonly token: string) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://svix.local');
        const raw = Buffer.concat(chunks).toString('utf8');
        const request: SvixRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: raw ? JSON.parse(raw) : null,
        };
        this.requests.push(request);
        const send = (status: number, body?: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
        };
        if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, { code: 'authentication_failed', detail: 'Invalid token' });
        if (this.failWith) return send(this.failWith, { code: 'server_error', detail: 'Svix is down' });
        const key = req.headers['idempotency-key'] as string | undefined;
        if (key && this.idempotent.has(`${request.path}|${key}`)) {
          const stored = this.idempotent.get(`${request.path}|${key}`)!;
          return send(stored.status, stored.body);
        }
        const [status, body] = this.route(request);
        if (key && status < 500) this.idempotent.set(`${request.path}|${key}`, { status, body });
        send(status, body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private route(r: SvixRequest): [number, unknown] {
    const now = new Date().toISOString();
    const b = r.body ?? {};
    let m: RegExpMatchArray | null;
    if (r.method === 'POST' && r.path === '/api/v1/app') {
      const existing = [...this.apps.values()].find((a) => a.uid === b.uid);
      if (existing) return r.query.get('get_if_exists') === 'true' ? [200, existing] : [409, { code: 'conflict', detail: 'uid exists' }];
      const app = { id: `app_${++this.seq}`, uid: b.uid, name: b.name, metadata: {}, createdAt: now, updatedAt: now };
      this.apps.set(app.id, app);
      return [201, app];
    }
    if (r.method === 'POST' && r.path === '/api/v1/event-type') {
      if (this.eventTypes.has(b.name as string)) return [409, { code: 'event_type_exists', detail: 'An event type with this name already exists' }];
      const et = { ...b, archived: false, deprecated: false, createdAt: now, updatedAt: now };
      this.eventTypes.set(b.name as string, et);
      return [201, et];
    }
    if ((m = r.path.match(/^\/api\/v1\/auth\/app-portal-access\/([^/]+)$/)) && r.method === 'POST') {
      if (!this.app(m[1]!)) return [404, { code: 'not_found', detail: 'Application not found' }];
      return [200, { url: `https://app.svix.com/login#key=portal-${m[1]}`, token: `portal-${m[1]}` }];
    }
    if ((m = r.path.match(/^\/api\/v1\/app\/([^/]+)\/msg$/)) && r.method === 'POST') {
      if (!this.app(m[1]!) && !b.application) return [404, { code: 'not_found', detail: 'Application not found' }];
      const msg = { id: `msg_${++this.seq}`, eventId: b.eventId, eventType: b.eventType, payload: b.payload, timestamp: now, app: m[1] };
      this.messages.push(msg);
      return [202, msg];
    }
    if ((m = r.path.match(/^\/api\/v1\/app\/([^/]+)\/endpoint$/)) && r.method === 'POST') {
      if (!this.app(m[1]!)) return [404, { code: 'not_found', detail: 'Application not found' }];
      const ep = { id: `ep_${++this.seq}`, app: m[1], ...b, createdAt: now, updatedAt: now, version: 1 };
      this.endpoints.set(`${m[1]}/${b.uid}`, ep);
      return [201, ep];
    }
    if ((m = r.path.match(/^\/api\/v1\/app\/([^/]+)\/endpoint\/([^/]+)(\/.*)?$/))) {
      const ep = this.endpoints.get(`${m[1]}/${m[2]}`);
      if (!ep) return [404, { code: 'not_found', detail: 'Endpoint not found' }];
      const rest = m[3] ?? '';
      if (r.method === 'PATCH' && !rest) {
        Object.assign(ep, b, { updatedAt: now });
        return [200, ep];
      }
      if (r.method === 'DELETE' && !rest) {
        this.endpoints.delete(`${m[1]}/${m[2]}`);
        return [204, undefined];
      }
      if (r.method === 'POST' && rest === '/secret/rotate') {
        ep.secret = b.key;
        return [204, undefined];
      }
      if (r.method === 'POST' && rest === '/send-example') return [202, { id: `msg_${++this.seq}`, eventType: b.eventType, payload: {}, timestamp: now }];
      if (r.method === 'POST' && rest === '/recover') return [202, { id: `qtask_${++this.seq}`, status: 'running', task: 'endpoint.recover', updatedAt: now }];
    }
    return [404, { code: 'not_found', detail: `No route ${r.method} ${r.path}` }];
  }

  /** Svix accepts an application's id or uid wherever an app id goes. */
  private app(idOrUid: string): Record<string, unknown> | undefined {
    return this.apps.get(idOrUid) ?? [...this.apps.values()].find((a) => a.uid === idOrUid);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
