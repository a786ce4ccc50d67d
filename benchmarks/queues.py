"""Which task queue: procrastinate and pgqueuer (on PostgreSQL) against RQ (on Redis), measured
the way civicmap uses one (`make bench-queues`; its own virtualenv, benchmarks/.venv-queues):

  * enqueue: what queueing one job adds to a web request (2,000 times; median and p95), for the
    PostgreSQL queues inside the request's own transaction where the library allows it;
  * drain: one worker process running 2,000 queued no-op jobs (jobs per second), as each
    library's worker runs in production (RQ's forks a work horse per job).

It also prints what decided the choice and cannot be timed: whether a job can be queued in the
transaction of the write that causes it (so it exists if and only if the write commits).
Results print and go to benchmarks/results/<time>-queues.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = os.environ.get("CIVICMAP_PG_PORT", "55432")
REDIS_PORT = os.environ.get("CIVICMAP_REDIS_PORT", "56379")
DB = "civicmap_bench_queues"
CONNINFO = f"postgresql://postgres@127.0.0.1:{PG_PORT}/{DB}"
JOBS = int(os.environ.get("QUEUE_JOBS", "2000"))


def noop() -> None:
    """The job every library runs (RQ imports it by name: queues.noop)."""


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def timings(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
    }


def procrastinate_run() -> dict:
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=CONNINFO))
    task = app.task(name="noop")(noop)
    with app.open():
        app.schema_manager.apply_schema()
    manager = procrastinate.manager.JobManager(procrastinate.SyncPsycopgConnector())
    samples = []
    with psycopg.connect(CONNINFO) as conn:  # a web request's connection: one transaction each
        for _ in range(JOBS):
            began = time.perf_counter()
            job = task.configure(connection=conn).job
            procrastinate.jobs.JobDeferrer(manager, job, conn).defer()
            conn.commit()
            samples.append(time.perf_counter() - began)
    began = time.perf_counter()
    app.run_worker(wait=False, concurrency=1, install_signal_handlers=False)
    drained = time.perf_counter() - began
    return {"enqueue": timings(samples), "jobs_per_s": round(JOBS / drained)}


def pgqueuer_run() -> dict:
    from pgqueuer.db import PsycopgDriver, SyncPsycopgDriver
    from pgqueuer.qm import QueueManager
    from pgqueuer.queries import Queries, SyncQueries
    from pgqueuer.types import QueueExecutionMode

    async def install() -> None:
        conn = await psycopg.AsyncConnection.connect(CONNINFO, autocommit=True)
        await Queries(PsycopgDriver(conn)).install()
        await conn.close()

    asyncio.run(install())
    samples = []
    # pgqueuer's sync driver refuses a connection in a transaction (autocommit is required).
    with psycopg.connect(CONNINFO, autocommit=True) as conn:
        queries = SyncQueries(SyncPsycopgDriver(conn))
        for _ in range(JOBS):
            began = time.perf_counter()
            queries.enqueue("noop", None)
            samples.append(time.perf_counter() - began)

    async def drain() -> float:
        conn = await psycopg.AsyncConnection.connect(CONNINFO, autocommit=True)
        qm = QueueManager(Queries(PsycopgDriver(conn)))

        @qm.entrypoint("noop")
        async def run(job) -> None:
            noop()

        began = time.perf_counter()
        await qm.run(mode=QueueExecutionMode.drain, batch_size=10)
        seconds = time.perf_counter() - began
        await conn.close()
        return seconds

    drained = asyncio.run(drain())
    return {"enqueue": timings(samples), "jobs_per_s": round(JOBS / drained)}


def rq_run() -> dict:
    from redis import Redis
    from rq import Queue, Worker

    redis = Redis(host="127.0.0.1", port=int(REDIS_PORT), db=14)
    redis.flushdb()
    queue = Queue("bench", connection=redis)
    samples = []
    for _ in range(JOBS):
        began = time.perf_counter()
        queue.enqueue("queues.noop")
        samples.append(time.perf_counter() - began)
    began = time.perf_counter()
    Worker([queue], connection=redis).work(burst=True, logging_level="WARNING")
    drained = time.perf_counter() - began
    redis.flushdb()
    return {"enqueue": timings(samples), "jobs_per_s": round(JOBS / drained)}


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))  # RQ's worker imports queues.noop
    results = {}
    for name, run, transactional in (
        ("procrastinate", procrastinate_run, True),
        ("pgqueuer", pgqueuer_run, False),
        ("rq", rq_run, False),
    ):
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        psql(f"CREATE DATABASE {DB}")
        results[name] = run() | {"enqueue_in_the_writes_transaction": transactional}
        print(
            f"{name:14} enqueue median {results[name]['enqueue']['median_ms']} ms, "
            f"p95 {results[name]['enqueue']['p95_ms']} ms; one worker drains "
            f"{results[name]['jobs_per_s']} jobs/s; queued in the write's transaction: "
            f"{'yes' if transactional else 'no'}"
        )
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    out = ROOT / "benchmarks" / "results" / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-queues.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"jobs": JOBS, "results": results}, indent=2))
    print(f"results in {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
