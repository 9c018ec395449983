import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the web console is served (same origin as the API, so it uses the same login and CSP). */
export const CONSOLE_PREFIX = '/console';

/** The package root: the nearest folder above this file holding package.json (src/… in tests, dist/src/… when built). */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** `npm run build:console` writes the console here (Vite, from src/console). */
export function defaultConsoleDir(): string {
  return join(packageRoot(__dirname), 'dist', 'console');
}

/**
 * Serves the built console at /console: its hashed assets (cached for a year, they never change
 * under one name) and, for every other path below /console, index.html, so the browser's own
 * routes (/console/updates/…) survive a reload. Without a build, /console says how to make one.
 */
export async function serveConsole(app: NestFastifyApplication, dir = defaultConsoleDir()): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const indexFile = join(dir, 'index.html');
  const index = existsSync(indexFile) ? readFileSync(indexFile) : null;
  const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => {
    // Assets have routes of their own; an unknown one (a stale tab after an upgrade) is not the page.
    if (!index || request.url.startsWith(`${CONSOLE_PREFIX}/assets/`)) {
      return reply
        .code(404)
        .type('application/problem+json')
        .send({ type: 'about:blank', title: 'Not Found', status: 404, detail: index ? 'no such console asset' : 'the console is not built: run `npm run build:console`' });
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
  };
  if (index) {
    await fastify.register(fastifyStatic, {
      root: dir,
      prefix: `${CONSOLE_PREFIX}/`,
      // Routes for the files present at start (the build is immutable while the server runs);
      // the wildcard below stays free for the SPA fallback. Swagger UI registered its own copy of
      // the plugin, so this one leaves the reply decorators alone.
      wildcard: false,
      index: false,
      decorateReply: false,
      // The build writes .br and .gz copies of every asset (src/console/vite.config.mts).
      preCompressed: true,
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  fastify.get(CONSOLE_PREFIX, (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 302));
  fastify.get(`${CONSOLE_PREFIX}/`, sendIndex);
  fastify.get(`${CONSOLE_PREFIX}/*`, sendIndex);
}
