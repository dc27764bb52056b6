#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the store's contract tests and
# prints the line to export, e.g.
#   export "$(bash scripts/ci-postgres.sh)"   # sets TEST_DATABASE_URL
#   npm test -- test/store
#   bash scripts/ci-postgres.sh stop
# Installs Debian's postgresql package when no server binaries are present
# (needs root, as on the CI machine). Listens on 127.0.0.1 only, keeps its
# data in a fresh directory under /tmp, trusts local connections (a test
# database with nothing secret in it). Progress goes to stderr; stdout carries
# only the TEST_DATABASE_URL line.
set -euo pipefail

PORT="${PGPORT_CI:-54329}"
ROOT="${PG_CI_DIR:-/tmp/stewards-ci-postgres}"
DATA="$ROOT/data"
LOG="$ROOT/server.log"
DB="stewards_test"

say() { echo "ci-postgres: $*" >&2; }

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    # runuser keeps us out of su's PAM/login prompts; cd so the postgres user can read its cwd.
    (cd /tmp && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

BIN="$(find_bindir || true)"

if [ "${1:-start}" = "stop" ]; then
  if [ -n "$BIN" ] && [ -f "$DATA/postmaster.pid" ]; then
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2
  fi
  exit 0
fi

if [ -z "$BIN" ]; then
  say "installing postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN="$(find_bindir)"
fi

# A server left from an earlier run on this machine: stop it, start afresh.
if [ -f "$DATA/postmaster.pid" ]; then
  as_postgres "$BIN/pg_ctl" -D "$DATA" -m immediate stop >&2 || true
fi
rm -rf "$ROOT"
mkdir -p "$ROOT"
if [ "$(id -u)" = 0 ]; then chown postgres: "$ROOT"; fi

say "initdb into $DATA"
as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
say "starting on 127.0.0.1:$PORT"
as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
  -o "-p $PORT -k $ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" start >&2
as_postgres "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"

echo "TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/$DB"
