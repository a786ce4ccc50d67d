#!/usr/bin/env bash
# A project-local PostGIS cluster, so civicmap never depends on a PostgreSQL the machine
# happens to run.  Usage: tools/pg.sh start | stop | status | replica-start | replica-stop
# replica-start makes a streaming replica of it (pg_basebackup -R) in instance/pgreplica, on
# 127.0.0.1:$CIVICMAP_PG_REPLICA_PORT (default: the primary's port + 100); replica-stop stops
# it and removes its data (it is cloned afresh each time).
# Data lives in instance/pgdata, the socket in instance/run, TCP on 127.0.0.1:$CIVICMAP_PG_PORT.
# CIVICMAP_PG_DATA names another data folder (the soak harness runs its own cluster that way).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${CIVICMAP_PG_PORT:-55432}"
BIN=/usr/lib/postgresql/15/bin
ROOT="$(pwd)/instance"
DATA="${CIVICMAP_PG_DATA:-$ROOT/pgdata}"
SOCK="$ROOT/run"
LOG="$DATA.log"

as_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres user instead.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  mkdir -p "$ROOT"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$ROOT"; then
    echo "The postgres user cannot reach $ROOT (a parent folder is private)." >&2
    echo "Clone civicmap somewhere world-readable (e.g. /srv or /work) or set DATABASE_URL." >&2
    exit 1
  fi
  if [ ! -s "$DATA/PG_VERSION" ]; then
    echo "==> initdb $DATA"
    rm -rf "$DATA"
    if [ "$(id -u)" = 0 ]; then
      install -d -o postgres -g postgres -m 700 "$DATA"
      install -d -o postgres -g postgres -m 755 "$SOCK"
    else
      install -d -m 700 "$DATA"; install -d -m 755 "$SOCK"
    fi
    as_owner "$BIN/initdb" -D "$DATA" --auth=trust -E UTF8 --locale=C.UTF-8 -U postgres >/dev/null
  fi
  if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    echo "==> PostGIS already running on 127.0.0.1:$PORT"
  else
    [ "$(id -u)" = 0 ] && { touch "$LOG"; chown postgres "$LOG"; }
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    echo "==> PostGIS started on 127.0.0.1:$PORT (log: $LOG)"
  fi
  for db in civicmap civicmap_test; do
    if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
      "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$db"
    fi
  done
}

stop() {
  if [ -s "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    echo "==> PostGIS stopped"
  else
    echo "==> PostGIS was not running"
  fi
}

REPLICA_PORT="${CIVICMAP_PG_REPLICA_PORT:-$((PORT + 100))}"
REPLICA="$ROOT/pgreplica-$REPLICA_PORT"

replica_start() {
  if [ ! -s "$REPLICA/PG_VERSION" ]; then
    rm -rf "$REPLICA"
    if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres -m 700 "$REPLICA"; else install -d -m 700 "$REPLICA"; fi
    as_owner "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$REPLICA" -R -X stream -c fast
  fi
  if as_owner "$BIN/pg_ctl" -D "$REPLICA" status >/dev/null 2>&1; then
    echo "==> replica already running on 127.0.0.1:$REPLICA_PORT"
  else
    [ "$(id -u)" = 0 ] && { touch "$REPLICA.log"; chown postgres "$REPLICA.log"; }
    # A standby needs at least the primary's max_connections (200, in start above).
    as_owner "$BIN/pg_ctl" -D "$REPLICA" -l "$REPLICA.log" -w -t 60 \
      -o "-p $REPLICA_PORT -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c hot_standby=on" start >/dev/null
    echo "==> replica of 127.0.0.1:$PORT started on 127.0.0.1:$REPLICA_PORT"
  fi
}

replica_stop() {
  if [ -s "$REPLICA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$REPLICA" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$REPLICA" -m fast -w stop >/dev/null
  fi
  rm -rf "$REPLICA" "$REPLICA.log"
  echo "==> replica stopped and removed"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  replica-start) replica_start ;;
  replica-stop) replica_stop ;;
  status) as_owner "$BIN/pg_ctl" -D "$DATA" status ;;
  *) echo "usage: tools/pg.sh start|stop|status|replica-start|replica-stop" >&2; exit 2 ;;
esac
