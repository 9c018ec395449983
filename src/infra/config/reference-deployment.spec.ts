import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const exampleEnv = readFileSync(join(ROOT, 'config/example.env'), 'utf8');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const packageScripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** A JSON-array command (Dockerfile CMD, compose `command:`) as one line of words. */
const words = (arrayText: string) => (JSON.parse(arrayText) as string[]).join(' ');

/** The lines of one top-level service of docker-compose.yml. */
function service(name: string): string {
  const start = compose.indexOf(`\n  ${name}:\n`);
  expect(start).toBeGreaterThan(0);
  const next = compose.slice(start + 1).search(/\n {2}[a-z-]+:\n|\n[a-z]/);
  return compose.slice(start, next < 0 ? undefined : start + 1 + next);
}

describe('the reference deployment (docker-compose.yml, config/example.env)', () => {
  it('runs Redis with a password from the environment, and the app connects with it', () => {
    expect(service('redis')).toMatch(/"--requirepass", "\$\{REDIS_PASSWORD:\?[^}]*\}"/);
    expect(service('redis')).toMatch(/REDISCLI_AUTH: \$\{REDIS_PASSWORD/);
    expect(compose).toMatch(/REDIS_URL: redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:6379/);
    expect(exampleEnv).toMatch(/^REDIS_PASSWORD=/m);
  });

  it('keeps /metrics and /api/docs closed unless the operator opens them', () => {
    expect(compose).toMatch(/PATCHGATE_METRICS_OPEN: \$\{PATCHGATE_METRICS_OPEN:-false\}/);
    expect(compose).toMatch(/PATCHGATE_API_DOCS: \$\{PATCHGATE_API_DOCS:-false\}/);
    expect(exampleEnv).toMatch(/^PATCHGATE_METRICS_OPEN=false$/m);
    expect(exampleEnv).toMatch(/^PATCHGATE_API_DOCS=false$/m);
  });

  it('runs the app as a role that does not own the approval log; migrations run as the owner', () => {
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\/patchgate_app:\$\{PATCHGATE_DB_APP_PASSWORD:\?[^}]*\}@postgres:5432\/patchgate/);
    expect(compose).toMatch(/PATCHGATE_RUN_MIGRATIONS: "false"/);
    expect(service('migrate')).toMatch(/DATABASE_URL: postgres:\/\/patchgate_owner:/);
    expect(service('migrate')).toMatch(/"migration:run"/);
    expect(service('api')).toMatch(/migrate: \{ condition: service_completed_successfully \}/);
    expect(service('postgres')).toMatch(/\.\/config\/postgres-init:\/docker-entrypoint-initdb\.d:ro/);
    const init = readFileSync(join(ROOT, 'config/postgres-init/10-roles.sh'), 'utf8');
    expect(init).toMatch(/CREATE DATABASE patchgate OWNER patchgate_owner;/);
    expect(init).toMatch(/GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO patchgate_app;/);
    expect(exampleEnv).toMatch(/^PATCHGATE_DB_OWNER_PASSWORD=/m);
    expect(exampleEnv).toMatch(/^PATCHGATE_DB_APP_PASSWORD=/m);
  });

  it('starts the API and the worker with the node flags of package.json start:api and start:worker (what the benches run)', () => {
    expect(packageScripts['start:api']).toMatch(/^node --max-old-space-size=\d+ --max-semi-space-size=\d+ dist\/src\/main\.js$/);
    expect(packageScripts['start:worker']).toMatch(/^node --max-old-space-size=\d+ dist\/src\/worker\.js$/);
    const composeCommand = (name: string) => words(/\n {4}command: (\[.*\])\n/.exec(service(name))![1]);
    expect(composeCommand('api')).toBe(packageScripts['start:api']);
    expect(composeCommand('worker')).toBe(packageScripts['start:worker']);
    expect(words(/^CMD (\[.*\])$/m.exec(dockerfile)![1])).toBe(packageScripts['start:api']);
  });
});
