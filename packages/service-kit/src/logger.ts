import pino, { type Logger } from 'pino';

/**
 * Paths never written to logs: credentials in headers, bodies and query strings. Cookies carry
 * browser session ids (stream-gateway's cookie sessions), so both directions are redacted.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'authorization',
  'cookie',
  'sessionId',
  '*.cookie',
  '*.sessionId',
  'apiKey',
  'key',
  'secret',
  'ticket',
  'password',
  '*.apiKey',
  '*.secret',
  '*.ticket',
];

export interface LoggerOptions {
  service: string;
  version: string;
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to inspect the output. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, version: options.version },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        // Never log a query string: stream tickets travel there.
        req: (req: { method?: string; url?: string; id?: string }) => ({
          method: req.method,
          url: req.url?.split('?')[0],
          id: req.id,
        }),
      },
    },
    options.destination,
  );
}

export type { Logger };
