import { Plinth } from '@plinth/sdk';
import { resolveConnection, type Connection, type ConnectionOptions } from './config.js';
import { VERSION } from './version.js';

/** The SDK client for a command, with the key and base URL from its options, the environment or the login. */
export function connect(options: ConnectionOptions): { plinth: Plinth; connection: Connection } {
  const connection = resolveConnection(options);
  return { plinth: clientFor(connection.baseUrl, connection.apiKey), connection };
}

export function clientFor(baseUrl: string, apiKey: string): Plinth {
  return new Plinth({ baseUrl, apiKey, fetch: withUserAgent(globalThis.fetch.bind(globalThis)) });
}

/** Lets the server's logs tell CLI calls from others. */
function withUserAgent(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const request = new Request(input, init);
    request.headers.set('user-agent', `plinth-cli/${VERSION}`);
    return fetch(request);
  };
}
