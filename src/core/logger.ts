import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Field paths pino blanks out wherever they appear. Passwords must never reach a log line;
 * upstream URLs (which contain the password) are passed through `redactUrl()` before logging,
 * and `upstreamUrl`/`url` fields are censored here as a second line of defence.
 */
export const redactPaths = [
  'password',
  '*.password',
  '*.*.password',
  'passwordSecret',
  '*.passwordSecret',
  'upstreamUrl',
  '*.upstreamUrl',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'currentPassword',
  'newPassword',
  '*.currentPassword',
  '*.newPassword',
];

/** Creates the process logger at `level` (`config.logLevel`). `destination` lets tests capture every line. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: redactPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
