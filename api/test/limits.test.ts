import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHttpServer, type HttpServer } from '../src/core/http/server';
import { createTestApp, newTenant, type TestApp, type TestTenant } from './harness';

/**
 * Resources an attacker can spend are bounded: trickling clients are closed within 15 s, a body over
 * the limit is refused without being read (declared) or cut at the limit (chunked), and oversized
 * headers get a problem+json 431. Plinth runs here on the same HTTP server `npm start` uses.
 */
let t: TestApp;
let http: HttpServer;
let port: number;
let tenant: TestTenant;
/** Bytes the server read from each connection, recorded when the connection closes. */
const readBytes: number[] = [];

beforeAll(async () => {
  t = await createTestApp();
  tenant = await newTenant(t);
  const config = t.runtime.deps.config;
  http = createHttpServer(t.app, config, t.runtime.deps.log);
  http.server.on('connection', (socket: Socket) => socket.on('close', () => readBytes.push(socket.bytesRead)));
  await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve));
  port = (http.server.address() as AddressInfo).port;
});
afterAll(async () => {
  http.server.closeAllConnections();
  await new Promise((resolve) => http.server.close(resolve));
  await t.close();
});

/** A raw client: what it sent, what it got back, and when the server closed the connection. */
function rawClient() {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  const opened = Date.now();
  socket.on('data', (d) => (received += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - opened)));
  return { socket, closed, received: () => received };
}

const lastRead = async () => {
  await new Promise((r) => setTimeout(r, 100));
  return readBytes[readBytes.length - 1]!;
};

it('closes a client trickling its headers (slowloris) within 15 s', async () => {
  const c = rawClient();
  c.socket.write('GET /v1/customers HTTP/1.1\r\nHost: plinth.test\r\n');
  const trickle = setInterval(() => c.socket.writable && c.socket.write('X-A: b\r\n'), 1000);
  const ms = await c.closed;
  clearInterval(trickle);
  console.log(`limits: header trickler closed after ${ms} ms`);
  expect(ms).toBeLessThan(15_000);
}, 30_000);

it('closes a client trickling its body within 15 s', async () => {
  const c = rawClient();
  c.socket.write(
    `POST /v1/customers HTTP/1.1\r\nHost: plinth.test\r\nAuthorization: ${tenant.auth.Authorization}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
  );
  const trickle = setInterval(() => c.socket.writable && c.socket.write(' '), 1000);
  const ms = await c.closed;
  clearInterval(trickle);
  console.log(`limits: body trickler closed after ${ms} ms`);
  expect(ms).toBeLessThan(15_000);
}, 30_000);

it('refuses a 50 MB body declared in Content-Length without reading it', async () => {
  const c = rawClient();
  const size = 50 * 1024 * 1024;
  c.socket.write(
    `POST /v1/customers HTTP/1.1\r\nHost: plinth.test\r\nAuthorization: ${tenant.auth.Authorization}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
  );
  // Keep sending as a real client would, until the server hangs up.
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  const pump = () => {
    while (c.socket.writable && sent < size && c.socket.write(chunk)) sent += chunk.length;
  };
  c.socket.on('drain', pump);
  pump();
  await c.closed;
  const read = await lastRead();
  console.log(`limits: 50 MB declared body: server read ${read} bytes; client sent ${sent}`);
  expect(c.received()).toMatch(/^HTTP\/1\.1 413 [\s\S]*application\/problem\+json[\s\S]*"code":"body_too_large"/);
  expect(read).toBeLessThan(1024 * 1024);
}, 30_000);

it('cuts a chunked body as soon as it passes the limit', async () => {
  const c = rawClient();
  c.socket.write(
    `POST /v1/customers HTTP/1.1\r\nHost: plinth.test\r\nAuthorization: ${tenant.auth.Authorization}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  const piece = Buffer.alloc(16 * 1024, 0x20);
  const frame = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  let sent = 0;
  const pump = () => {
    while (c.socket.writable && sent < 50 * 1024 * 1024 && c.socket.write(frame)) sent += piece.length;
  };
  c.socket.on('drain', pump);
  pump();
  await c.closed;
  const read = await lastRead();
  const limit = t.runtime.deps.config.bodyLimit;
  console.log(`limits: chunked body: server read ${read} bytes (limit ${limit}); client sent ${sent}`);
  expect(c.received()).toMatch(/^HTTP\/1\.1 413 [\s\S]*"code":"body_too_large"/);
  expect(read).toBeLessThan(limit + 1024 * 1024);
}, 30_000);

it('answers oversized headers and URLs with a problem+json 431', async () => {
  const res = await fetch(`http://127.0.0.1:${port}/v1/customers?email=${'a'.repeat(40_000)}`, { headers: tenant.auth });
  expect(res.status).toBe(431);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(await res.json()).toMatchObject({ status: 431, code: 'headers_too_large', request_id: expect.stringMatching(/^req_/) });
});

it('answers malformed HTTP with a problem+json 400', async () => {
  const c = rawClient();
  c.socket.write('GET /v1/customers HTTP/1.1\r\nHost: plinth.test\r\nBad Header\r\n\r\n');
  await c.closed;
  expect(c.received()).toMatch(/^HTTP\/1\.1 400 [\s\S]*"code":"malformed_http"/);
});
