import net, { type AddressInfo } from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

const isEncryptionRequest = (chunk: Buffer) => chunk.length === 8 && chunk.readInt32BE(0) === 8 && [SSL_REQUEST, GSSENC_REQUEST].includes(chunk.readInt32BE(4));

/**
 * Reads a PostgreSQL frontend stream (client to server) chunk by chunk and calls `onMessage` with each
 * message's type byte. The connection opens with a startup message (int32 length, int32 code, no type
 * byte), possibly after an SSLRequest or GSSENCRequest of 8 bytes; every later message is a type byte
 * and an int32 length that counts itself. Message bodies are skipped, never buffered.
 */
export function frontendReader(onMessage: (type: string) => void): (chunk: Buffer) => void {
  let startup = true;
  let header = Buffer.alloc(0);
  let skip = 0;
  return (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - at);
        skip -= n;
        at += n;
        continue;
      }
      const need = startup ? 8 : 5;
      const take = Math.min(need - header.length, chunk.length - at);
      header = Buffer.concat([header, chunk.subarray(at, at + take)]);
      at += take;
      if (header.length < need) return;
      if (startup) {
        const code = header.readInt32BE(4);
        // An encryption request is followed by the real startup message.
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
        skip = header.readInt32BE(0) - 8;
      } else {
        onMessage(String.fromCharCode(header[0]));
        skip = header.readInt32BE(1) - 4;
      }
      header = Buffer.alloc(0);
    }
  };
}

/**
 * A TCP proxy in front of PostgreSQL that counts the round trips its clients wait for: each simple
 * query ('Q') and each Sync ('S', which ends an extended-protocol batch such as Parse/Bind/Execute) gets
 * one ReadyForQuery back before the client (node-postgres never pipelines) sends the next. Encryption
 * requests are refused ('N'), so the stream stays readable; connections made are counted too.
 */
export class RoundTripProxy {
  queries = 0;
  syncs = 0;
  connections = 0;
  private readonly sockets = new Set<net.Socket>();
  private server!: net.Server;
  port = 0;

  get roundTrips(): number {
    return this.queries + this.syncs;
  }

  static async start(target: string): Promise<RoundTripProxy> {
    const proxy = new RoundTripProxy();
    const { hostname, port } = new URL(target);
    proxy.server = net.createServer((client) => proxy.relay(client, hostname, Number(port || 5432)));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** `url` with the proxy's host and port in place of the server's. */
  route(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  private relay(client: net.Socket, host: string, port: number): void {
    this.connections++;
    const upstream = net.connect(port, host);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('error', () => undefined); // the close below ends the pair
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    const read = frontendReader((type) => {
      if (type === 'Q') this.queries++;
      else if (type === 'S') this.syncs++;
    });
    let opening = true;
    client.on('data', (chunk: Buffer) => {
      if (opening && isEncryptionRequest(chunk)) return void client.write('N');
      opening = false;
      read(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
