import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { serializeError } from './error-serializer';

/** Paths pino must never print: credentials in headers and bodies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.password',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.enrollmentKey',
];

/**
 * Requests as method, URL and id only; errors without the values a database error carries
 * (bound parameters, the detail that quotes a row: error-serializer.ts).
 */
export const LOG_SERIALIZERS = {
  req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
  err: serializeError,
};

const REQUEST_ID = /^[a-zA-Z0-9._-]{1,128}$/;

/**
 * A caller's x-request-id when well-formed, so logs join across proxies; else a random one.
 * Fastify must use it too (api-app.ts): its id is copied onto the raw request before pino-http
 * runs, and pino-http keeps an id it finds.
 */
export const requestIdFor = (req: IncomingMessage): string => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
};

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A fleet's check-ins and status reports are metrics, not access logs: at tens of thousands a
        // minute they would drown everything else and cost the hot path a logger per request. Their
        // errors are still logged, by the global filter.
        exclude: [
          { method: RequestMethod.POST, path: 'client/v1/checkin' },
          { method: RequestMethod.POST, path: 'client/v1/status' },
        ],
        pinoHttp: {
          level: config.logLevel,
          // Someone running `npm start` in a terminal reads lines, not JSON; anything else (a pipe,
          // a container, a log shipper) gets JSON.
          transport:
            config.localMode && process.stdout.isTTY
              ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,req.id' } }
              : undefined,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          genReqId: requestIdFor,
          customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
          serializers: LOG_SERIALIZERS,
        },
      }),
    }),
  ],
})
export class LoggingModule {}
