"""What a streaming replica buys (`make bench-replica`, issue #16): the read-only endpoints at
1,000,000 items under wrk, gunicorn reading from the primary alone, then with
DATABASE_REPLICA_URL set to a replica of the project cluster (`tools/pg.sh replica-start`,
pg_basebackup -R) on the same machine, in one run.

On one box the replica shares the primary's cores, so this measures its cost (WAL replay, a
second server's caches in the same memory) more than its gain; the gain is the primary's CPU it
frees when the replica has its own machine. The JSON says which machine it ran on.
Results print and go to benchmarks/results/<time>-replica.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import (  # noqa: E402 - after the path is set
    APP_PORT,
    BENCH_DB,
    BOROUGH,
    PG_PORT,
    RESULTS,
    WARD,
    app_server,
    prepare_data,
    psql,
    wrk,
)

REPLICA_PORT = str(int(PG_PORT) + 100)
PATHS = {
    "map: borough z12": f"/map/items.json?bbox={BOROUGH}&zoom=12",
    "map: ward z15": f"/map/items.json?bbox={WARD}&zoom=15",
    "list (filtered by ward)": "/list?ward=brixton-acre-lane",
    "api projects": "/api/v1/projects?ward=brixton-acre-lane",
}


def measure(seconds: int) -> dict:
    results = {}
    for name, path in PATHS.items():
        url = f"http://127.0.0.1:{APP_PORT}{path}"
        wrk(url, 2)  # warm up
        results[name] = wrk(url, seconds)
        print(f"  {name}: {results[name]['rps']:.0f} req/s", file=sys.stderr, flush=True)
    return results


def main() -> None:
    seconds = int(os.environ.get("BENCH_SECONDS", "15"))
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'"):
        prepare_data(1_000_000)
    items = int(psql("SELECT count(*) FROM initiatives", db=BENCH_DB))
    pg = str(ROOT / "tools" / "pg.sh")
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "items": items}
    # Pages are not kept here: every request reads the database, as the map endpoint does.
    os.environ["CIVICMAP_PAGE_CACHE"] = "0"
    print("primary alone", file=sys.stderr)
    with app_server():
        report["primary"] = measure(seconds)
    subprocess.run([pg, "replica-start"], check=True)
    try:
        os.environ["DATABASE_REPLICA_URL"] = (
            f"postgresql+psycopg://postgres@127.0.0.1:{REPLICA_PORT}/{BENCH_DB}"
        )
        print("reads on the replica", file=sys.stderr)
        with app_server():
            report["replica"] = measure(seconds)
    finally:
        os.environ.pop("DATABASE_REPLICA_URL", None)
        subprocess.run([pg, "replica-stop"], check=True)
    report["cpus"] = os.cpu_count()
    for name in PATHS:
        before, after = report["primary"][name], report["replica"][name]
        print(
            f"{name:<26} primary {before['rps']:>6.0f} req/s (p95 {before['p95_ms']:.0f} ms)"
            f"   with replica {after['rps']:>6.0f} req/s (p95 {after['p95_ms']:.0f} ms)"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-replica.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"results in {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
