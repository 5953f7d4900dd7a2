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
/** During a drain, how long without a new connection before the listener closes. */
const QUIET_MS = 100;

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

  // Each connection: whether a request is being answered on it, how many it has answered, and when it came.
  const connections = new Map<Socket, { busy: boolean; served: number; acceptedAt: number }>();
  let lastConnectionAt = 0;
  server.on('connection', (socket: Socket) => {
    lastConnectionAt = Date.now();
    connections.set(socket, { busy: false, served: 0, acceptedAt: lastConnectionAt });
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

  /** A connection with nothing to answer: idle after an answer, or silent since it was accepted. */
  const idle = (c: { busy: boolean; served: number; acceptedAt: number }, now: number) =>
    !c.busy && (c.served > 0 || now - c.acceptedAt > FIRST_REQUEST_GRACE_MS);

  return {
    server,
    /**
     * Keeps accepting while requests are in flight, answering each with `Connection: close`: closing
     * the listening socket at once would reset connections the kernel has queued but the event loop
     * has not accepted yet, whose clients have already sent their request. (Nor http.Server#close:
     * it destroys connections whose request is still unread.) Once every connection is idle and none
     * has arrived for a moment, the listener closes and the idle connections with it.
     */
    drain(timeoutMs) {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const started = Date.now();
      return new Promise((resolve) => {
        const tick = setInterval(() => {
          const now = Date.now();
          for (const [socket, c] of connections) if (!c.busy && c.served > 0) socket.destroy(); // keep-alive, idle
          const quiet = now - Math.max(started, lastConnectionAt) >= QUIET_MS && [...connections.values()].every((c) => idle(c, now));
          if (quiet || now - started >= timeoutMs) {
            clearInterval(tick);
            NetServer.prototype.close.call(server);
            for (const socket of connections.keys()) socket.destroy();
            resolve(quiet);
          }
        }, 20);
      });
    },
  };
}
