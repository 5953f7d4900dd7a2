import pino, { type Logger } from 'pino';

/**
 * JSON logs. Redaction is a second line of defence: we never log headers, bodies or secrets to begin
 * with. Lines are buffered and written asynchronously (a request never waits on stdout); the buffer is
 * flushed on exit.
 */
export function createLogger(level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  process.once('exit', () => destination.flushSync());
  return pino(
    {
      level,
      base: { service: 'plinth' },
      redact: { paths: ['*.authorization', '*.password', '*.secret', '*.token', '*.refresh_token', '*.access_token'], censor: '[redacted]' },
    },
    destination,
  );
}
