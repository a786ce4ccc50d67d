#!/usr/bin/env bash
# A local SMTP server for `make run` (aiosmtpd): every message civicmap sends is kept under
# instance/mail/ as a Maildir (one file per message in instance/mail/new/), and none leaves the
# machine. Production sets MAIL_URL to a real relay instead.
#   tools/mail.sh start | stop | status       port: $CIVICMAP_MAIL_PORT (default 58025)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${CIVICMAP_MAIL_PORT:-58025}"
ROOT="$(pwd)/instance"
RUN="$ROOT/run"
PIDFILE="$RUN/mail-$PORT.pid"

running() { .venv/bin/python - "$PORT" <<'PY' 2>/dev/null
import smtplib, sys
smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=1).quit()
PY
}

case "${1:-}" in
  start)
    mkdir -p "$RUN" "$ROOT/mail/tmp" "$ROOT/mail/new" "$ROOT/mail/cur"
    if running; then
      echo "==> SMTP server already running on 127.0.0.1:$PORT"
    else
      nohup .venv/bin/python -m aiosmtpd -n -l "127.0.0.1:$PORT" \
        -c aiosmtpd.handlers.Mailbox "$ROOT/mail" >"$ROOT/mail-$PORT.log" 2>&1 &
      echo $! >"$PIDFILE"
      for _ in $(seq 50); do running && break; sleep 0.1; done
      running || { echo "The SMTP server did not start: see $ROOT/mail-$PORT.log" >&2; exit 1; }
      echo "==> SMTP server on 127.0.0.1:$PORT; mail is kept in instance/mail/new/"
    fi
    ;;
  stop)
    if [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null; then echo "==> SMTP server stopped"
    else echo "==> SMTP server was not running"; fi
    rm -f "$PIDFILE"
    ;;
  status)
    running && echo "running on 127.0.0.1:$PORT" || { echo "not running"; exit 1; }
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
