import { createServer, STATUS_CODES, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { PROBLEM_TYPE_BASE } from './problem.js';
import { newRequestId } from './request-context.js';

/** Request line and headers together (Node's default): more is a 431 problem. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** During a drain, how long a connection that has not sent a request yet may still send one. */
const FIRST_REQUEST_GRACE_MS = 1000;

export interface HttpServerOptions {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface HttpServer {
  server: Server;
  /**
   * Stops accepting connections and lets in-flight requests finish (each answered with
   * `Connection: close`); after `timeoutMs` the remaining connections are closed. Resolves with
   * whether everything finished in time.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

/** A problem+json response written straight to the socket, for errors found before Express runs. */
function rawProblem(status: number, code: string, detail: string): string {
  const body = JSON.stringify({
    type: PROBLEM_TYPE_BASE + code,
    title: STATUS_CODES[status] ?? 'Bad Request',
    status,
    detail,
    code,
    request_id: newRequestId(),
  });
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * The HTTP server with deadlines that close trickling (slowloris) clients within seconds, and
 * problem+json answers for requests Node refuses before Express sees them (oversized headers or URL,
 * malformed HTTP, a request not received in time).
 */
export function createHttpServer(app: RequestListener, options: HttpServerOptions, log: Logger): HttpServer {
  const server = createServer({
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    // How often Node checks the two deadlines above (default 30 s, which would let a trickler stay 40 s).
    connectionsCheckingInterval: 1000,
    keepAliveTimeout: 5000,
    maxHeaderSize: MAX_HEADER_BYTES,
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, code, detail] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', `The request line and headers exceed ${MAX_HEADER_BYTES} bytes; send long values in a JSON body.`]
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request_timeout', `The request was not received within ${options.requestTimeoutMs / 1000} s.`]
          : [400, 'malformed_http', 'The request is not valid HTTP/1.1.'];
    log.debug({ code: err.code }, 'client error');
    socket.end(rawProblem(status, code, detail));
  });

  // Each connection: whether a request is being answered on it, and how many it has answered.
  const connections = new Map<Socket, { busy: boolean; served: number }>();
  let lastConnectionAt = 0;
  server.on('connection', (socket: Socket) => {
    lastConnectionAt = Date.now();
    connections.set(socket, { busy: false, served: 0 });
    socket.on('close', () => connections.delete(socket));
  });
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    const connection = connections.get(req.socket as Socket);
    if (connection) connection.busy = true;
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      if (connection) {
        connection.busy = false;
        connection.served += 1;
      }
    });
  });
  // After the listener above, so that it sees every request before the app can answer it.
  server.on('request', app);

  /**
   * Connections the kernel has queued but the event loop has not accepted yet would be reset when the
   * listening socket closes: keep accepting until the queue is quiet (50 ms without a new connection,
   * 1 s at most).
   */
  async function acceptQueued(): Promise<void> {
    const started = Date.now();
    while (Date.now() - started < 1000 && Date.now() - Math.max(started, lastConnectionAt) < 50) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Stops listening without http.Server#close, which also destroys every connection without a request
   * in progress, including one just accepted whose request is still unread (its client would see a
   * reset). Instead: keep-alive connections idle after an answer are closed, a new connection gets a
   * moment to send its request, and the rest finish their answer (sent with `Connection: close`).
   */
  function closeGently(timeoutMs: number): Promise<boolean> {
    const started = Date.now();
    return new Promise((resolve) => {
      const sweep = () => {
        for (const [socket, { busy, served }] of connections) {
          if (!busy && (served > 0 || Date.now() - started > FIRST_REQUEST_GRACE_MS)) socket.destroy();
        }
      };
      const sweeper = setInterval(sweep, 50);
      const timer = setTimeout(() => {
        for (const socket of connections.keys()) socket.destroy();
        finish(false);
      }, timeoutMs);
      const finish = (inTime: boolean) => {
        clearInterval(sweeper);
        clearTimeout(timer);
        resolve(inTime);
      };
      NetServer.prototype.close.call(server, () => finish(true));
      sweep();
    });
  }

  return {
    server,
    async drain(timeoutMs) {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const started = Date.now();
      await acceptQueued();
      return closeGently(Math.max(0, timeoutMs - (Date.now() - started)));
    },
  };
}
