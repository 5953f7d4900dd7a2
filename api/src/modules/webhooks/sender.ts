import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress } from '../../core/net/ssrf.js';

export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  excerpt: string | null;
  error: string | null;
}

const EXCERPT_BYTES = 1024;
const MAX_READ_BYTES = 64 * 1024;

/**
 * POSTs one webhook. Redirects are not followed (a 3xx is a failure), the whole exchange has a
 * deadline, the host is re-checked after DNS resolution (SSRF), and connections are kept alive per
 * origin so a busy endpoint does not pay a handshake per event.
 */
export class WebhookSender {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  private readonly lookup;

  constructor(
    private readonly timeoutMs: number,
    private readonly allowPrivate: boolean,
  ) {
    this.lookup = guardedLookup(allowPrivate);
  }

  send(rawUrl: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return Promise.resolve({ statusCode: null, durationMs: 0, excerpt: null, error: 'invalid URL' });
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!this.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      return Promise.resolve({ statusCode: null, durationMs: 0, excerpt: null, error: `refused: ${host} is a private or reserved address` });
    }
    const secure = url.protocol === 'https:';
    const request = secure ? https.request : http.request;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const req = request(
        url,
        {
          method: 'POST',
          agent: secure ? this.agents.https : this.agents.http,
          lookup: this.lookup,
          headers: { 'content-type': 'application/json', 'user-agent': 'Plinth-Webhooks/1.0', 'content-length': Buffer.byteLength(body), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            if (read < MAX_READ_BYTES) chunks.push(chunk);
            read += chunk.length;
          });
          res.on('end', () => {
            const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
            finish({ statusCode: res.statusCode ?? null, durationMs: elapsed(), excerpt: excerpt || null, error: null });
          });
          res.on('error', (err) => finish({ statusCode: res.statusCode ?? null, durationMs: elapsed(), excerpt: null, error: err.message }));
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new Error(`timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      req.on('error', (err) => finish({ statusCode: null, durationMs: elapsed(), excerpt: null, error: err.message }));
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
