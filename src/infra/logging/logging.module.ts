import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

/** Paths pino must never print: credentials in headers and bodies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.enrollmentKey',
];

const REQUEST_ID = /^[a-zA-Z0-9._-]{1,128}$/;
const AGENT_HOT_PATHS = ['/client/v1/checkin', '/client/v1/status'];

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          // A fleet's check-ins and status reports are metrics, not access logs: at tens of
          // thousands a minute they would drown everything else. Their errors are still logged.
          autoLogging: { ignore: (req: IncomingMessage) => AGENT_HOT_PATHS.some((path) => req.url?.startsWith(path)) },
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // A caller's x-request-id is kept when well-formed, so logs join across proxies.
          genReqId: (req: IncomingMessage) => {
            const given = req.headers['x-request-id'];
            return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
          },
          customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
