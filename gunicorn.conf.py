"""Production settings for a 2-core host (what `make bench` runs and the README recommends).

gthread workers: the app waits on PostgreSQL most of the time, so threads overlap that wait
without the memory of more processes. Override with GUNICORN_WORKERS / GUNICORN_THREADS.
"""

import os
import socket
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
# A listening socket per worker, which the kernel shares out connections among (SO_REUSEPORT).
# On one shared socket, one worker could take every keep-alive connection while the other
# idled: measured at 32 connections, kept pages ran at ~1,100 req/s or, in one run in two,
# ~420 with one worker at 100 % CPU and the other at 0 %.
reuse_port = True


def on_starting(server):
    """SO_REUSEPORT would also let a second instance bind a port in use and silently take half
    its connections: refuse to start where something already answers, as without it."""
    host, _, port = bind.rpartition(":")
    if not port.isdigit():
        return  # a unix socket
    with socket.socket() as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((host.strip("[]") or "127.0.0.1", int(port))) == 0:
            raise SystemExit(f"gunicorn: {bind} is already in use")


max_requests = 0  # memory must stay flat without recycling workers (the benchmark checks)
accesslog = None
errorlog = "-"
