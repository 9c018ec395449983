#!/bin/sh
# Runs once, when the PostgreSQL container initialises an empty data directory (docker-compose.yml).
# Two roles (docs/security.md, "Database roles"):
# - patchgate_owner owns the database and its tables and runs the migrations;
# - patchgate_app is what the API and the worker connect as: it reads and writes the tables but
#   does not own them, so it can neither disable the approval log's append-only trigger nor
#   UPDATE, DELETE or TRUNCATE the log (the migration CreateApprovalLogCheckpoints revokes those).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$PATCHGATE_DB_OWNER_PASSWORD" -v app_password="$PATCHGATE_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE patchgate_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE patchgate_app LOGIN PASSWORD :'app_password';
CREATE DATABASE patchgate OWNER patchgate_owner;
\connect patchgate
ALTER SCHEMA public OWNER TO patchgate_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO patchgate_app;
ALTER DEFAULT PRIVILEGES FOR ROLE patchgate_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO patchgate_app;
ALTER DEFAULT PRIVILEGES FOR ROLE patchgate_owner IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO patchgate_app;
SQL
