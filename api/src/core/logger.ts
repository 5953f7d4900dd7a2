import pino, { type Logger } from 'pino';

/** JSON logs. Redaction is a second line of defence: we never log headers, bodies or secrets to begin with. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'plinth' },
    redact: { paths: ['*.authorization', '*.password', '*.secret', '*.token', '*.refresh_token', '*.access_token'], censor: '[redacted]' },
  });
}
