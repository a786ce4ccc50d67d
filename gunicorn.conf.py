"""Production settings for a 2-core host (what `make bench` runs and the README recommends).

gthread workers: the app waits on PostgreSQL most of the time, so threads overlap that wait
without the memory of more processes. Override with GUNICORN_WORKERS / GUNICORN_THREADS.
"""

import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicornc's control socket, one per instance: by default every gunicorn run by one user
# shares $HOME/.gunicorn/gunicorn.ctl, and a second instance takes over the first's.
control_socket = os.environ.get(
    "GUNICORN_CONTROL_SOCKET",
    str(
        Path(__file__).resolve().parent
        / "instance"
        / "run"
        / f"gunicorn-{bind.rsplit(':', 1)[-1]}.ctl"
    ),
)
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
keepalive = 5
max_requests = 0  # memory must stay flat without recycling workers (the benchmark checks)
accesslog = None
errorlog = "-"
