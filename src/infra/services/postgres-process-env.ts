/**
 * A small, predictable environment for initdb and postgres: none of the caller's PG* variables,
 * locale settings or HOME (often unreadable for the postgres user) leak into the server.
 */
export function postgresProcessEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C',
    LC_ALL: 'C',
    ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
  };
}
