#!/usr/bin/env bash
# A project-local Redis for rate limits shared by every gunicorn worker (and later the task
# queue), on its own loopback port so it never touches a Redis the machine may run.
#   tools/redis.sh start | stop | status       port: $CIVICMAP_REDIS_PORT (default 56379)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${CIVICMAP_REDIS_PORT:-56379}"
ROOT="$(pwd)/instance"
RUN="$ROOT/run"

running() { redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; }

case "${1:-}" in
  start)
    mkdir -p "$RUN"
    if running; then
      echo "==> Redis already running on 127.0.0.1:$PORT"
    else
      # Limits and queues are rebuilt from nothing after a restart: no snapshots on disk.
      redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --save "" --appendonly no \
        --dir "$ROOT" --pidfile "$RUN/redis-$PORT.pid" --logfile "$ROOT/redis-$PORT.log"
      for _ in $(seq 50); do running && break; sleep 0.1; done
      running || { echo "Redis did not start: see $ROOT/redis-$PORT.log" >&2; exit 1; }
      echo "==> Redis started on 127.0.0.1:$PORT"
    fi
    ;;
  stop)
    if running; then redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null || true; echo "==> Redis stopped"
    else echo "==> Redis was not running"; fi
    ;;
  status)
    running && echo "running on 127.0.0.1:$PORT" || { echo "not running"; exit 1; }
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
