#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the contract tests, tuned for speed rather than durability.
#   scripts/pg-test-cluster.sh        start (or reuse) it; the last stdout line is the connection URL
#   scripts/pg-test-cluster.sh stop   stop it and delete its directory
# Port: PAPERBOY_PG_PORT (default 54329). Installs Debian's PostgreSQL when no server is found, so
# a clean CI machine works. Progress goes to stderr so callers can take stdout's last line.
set -euo pipefail

PORT=${PAPERBOY_PG_PORT:-54329}
ROOT=/tmp/paperboy-pg-$PORT
DATA=$ROOT/data
DB=paperboy_test
URL="postgres://postgres@127.0.0.1:$PORT/$DB"

log() { echo "pg-test-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }

install_postgres() {
  [[ $(id -u) == 0 ]] || die "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
  log "installing PostgreSQL (apt-get)"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

# RUM orders matches by rank inside the index; optional (the schema works without it), so a
# failure here is only logged.
install_rum() {
  local ver=$1
  [[ -e /usr/share/postgresql/$ver/extension/rum.control || $(id -u) != 0 ]] && return 0
  apt-cache show "postgresql-$ver-rum" >/dev/null 2>&1 || return 0
  log "installing postgresql-$ver-rum (optional)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$ver-rum" >&2 || log "rum not installed; continuing"
}

# PostgreSQL refuses to run as root: use the Debian package's `postgres` user when we are root.
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

BIN=$(find_bin)

if [[ ${1:-start} == stop ]]; then
  exec 9>"$ROOT.lock"
  flock 9
  if [[ -n $BIN && -f $DATA/postmaster.pid ]]; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true
  fi
  rm -rf "$ROOT"
  log "stopped"
  exit 0
fi
[[ ${1:-start} == start ]] || die "usage: $0 [start|stop]"

if [[ -z $BIN || ! -x $BIN/initdb ]]; then
  install_postgres
  BIN=$(find_bin)
  [[ -n $BIN && -x $BIN/initdb ]] || die "PostgreSQL installed but initdb not found under /usr/lib/postgresql"
fi
install_rum "$(basename "$(dirname "$BIN")")"
if [[ $(id -u) == 0 ]]; then id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user"; fi

# Two test runs starting at once must not both initdb the same directory.
mkdir -p "$ROOT"
exec 9>"$ROOT.lock"
flock 9

ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres -U postgres; }

if ready; then
  log "reusing the server on port $PORT"
else
  if [[ ! -f $DATA/PG_VERSION ]]; then
    rm -rf "$DATA"
    mkdir -p "$DATA"
    [[ $(id -u) == 0 ]] && chown -R postgres: "$ROOT"
    log "initdb $DATA"
    # C collation: ISO timestamps stored as text sort bytewise, exactly as in SQLite.
    as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$ROOT/initdb.log" 2>&1 ||
      die "initdb failed, see $ROOT/initdb.log"
    # Durability is worthless for a throwaway cluster; these make tests several times faster.
    cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$ROOT'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 128MB
EOF
  fi
  # A port held by something else would make pg_ctl wait for nothing; say so plainly.
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "port $PORT is in use by something that is not a ready PostgreSQL; set PAPERBOY_PG_PORT"
  fi
  log "starting on 127.0.0.1:$PORT"
  # 9>&-: the server must not inherit the lock's descriptor, or it would hold the lock forever.
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 start >&2 9>&- ||
    die "pg_ctl start failed, see $ROOT/server.log"
fi

for _ in $(seq 1 60); do ready && break; sleep 0.5; done
ready || die "server on port $PORT did not become ready"

psql_q() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atc "$1"; }
if [[ $(psql_q "SELECT 1 FROM pg_database WHERE datname = '$DB'") != 1 ]]; then
  psql_q "CREATE DATABASE $DB" >/dev/null || die "could not create database $DB"
fi

echo "$URL"
