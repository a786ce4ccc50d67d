"""Mail at scale (`make bench-mail`, and part of `make bench`): on a database of its own with
1,000,000 items and 100,000 people who follow wards (4,000 a ward),

  * what notifying the followers of one event adds to the request that causes it: the time of
    `notifications.tell` for a new item in a ward (~4,000 followers), which queues the fan-out
    job in the request's transaction; and the worker's time to run that job (writing the 4,000
    notifications), median and p95 over many events;
  * building and queueing the daily digest for everyone who had news: `mail.build_digests`
    plus deferring the send jobs, in one timed step (the sending itself is SMTP's pace).

Results print and are written to benchmarks/results/<time>-mail.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB = "civicmap_bench_mail"
RESULTS = ROOT / "benchmarks" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=200, help="new items in the day")
    args = parser.parse_args()

    from sqlalchemy import text

    from benchmarks.scratch_db import drop, fresh_app
    from civicmap import tasks
    from civicmap.extensions import db
    from civicmap.models import Initiative
    from civicmap.services import demo, mail, notifications

    app = fresh_app(DB)
    with app.app_context():
        demo.seed_demo(db.session)
        db.session.commit()
        db.session.remove()
        started = time.perf_counter()
        demo.load_synthetic(db.engine, args.items, seed=1)
        print(f"{args.items:,} items loaded in {time.perf_counter() - started:.0f} s")

        # People who confirmed their address, want the daily digest and follow one ward each.
        db.session.execute(
            text(
                "INSERT INTO users (email, display_name, password_hash, email_confirmed_at)"
                " SELECT 'reader' || n || '@example.org', 'Reader ' || n, 'x', now()"
                " FROM generate_series(1, :people) n"
            ),
            {"people": args.people},
        )
        db.session.execute(
            text(
                "INSERT INTO follows (user_id, target_kind, target_id)"
                " SELECT u.id, 'ward', w.ids[1 + u.id % array_length(w.ids, 1)]"
                " FROM users u, (SELECT array_agg(id ORDER BY id) AS ids FROM wards) w"
                " WHERE u.email LIKE 'reader%'"
            )
        )
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()

        # The day's events: new items in each ward in turn, each told to its ward's followers.
        ward_ids = db.session.scalars(text("SELECT id FROM wards ORDER BY id")).all()
        author = db.session.scalar(text("SELECT id FROM users ORDER BY id LIMIT 1"))
        item_ids = db.session.scalars(
            text("SELECT id FROM initiatives ORDER BY id DESC LIMIT :n"), {"n": args.events}
        ).all()
        costs, worker_costs = [], []
        tasks.use_app(app)
        for n, item_id in enumerate(item_ids):
            ward = ward_ids[n % len(ward_ids)]
            db.session.get(Initiative, item_id)
            began = time.perf_counter()
            notifications.tell(db.session, "new_item", author, item_id, followers_of=("ward", ward))
            costs.append((time.perf_counter() - began) * 1000)
            db.session.commit()
            job_id, job_args = db.session.execute(
                text(
                    "SELECT id, args FROM procrastinate_jobs WHERE task_name = 'fan_out'"
                    " AND status = 'todo' ORDER BY id LIMIT 1"
                )
            ).one()
            began = time.perf_counter()
            tasks._fan_out(job_id, **job_args)  # what the worker runs for it
            worker_costs.append((time.perf_counter() - began) * 1000)
            db.session.execute(
                text("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = :id"),
                {"id": job_id},
            )
            db.session.commit()
        followers = db.session.scalar(
            text("SELECT count(*) FROM follows WHERE target_id = :w"), {"w": ward_ids[0]}
        )
        notes = db.session.scalar(text("SELECT count(*) FROM notifications"))
        fan_out = {
            "events": len(costs),
            "followers_per_ward": followers,
            "median_ms": round(statistics.median(costs), 2),
            "p95_ms": round(sorted(costs)[int(len(costs) * 0.95) - 1], 2),
            "worker_median_ms": round(statistics.median(worker_costs), 2),
            "worker_p95_ms": round(sorted(worker_costs)[int(len(worker_costs) * 0.95) - 1], 2),
        }
        print(
            f"notify the followers of one event ({followers:,} following its ward): adds "
            f"median {fan_out['median_ms']} ms, p95 {fan_out['p95_ms']} ms to the request; "
            f"the worker's job takes median {fan_out['worker_median_ms']} ms, "
            f"p95 {fan_out['worker_p95_ms']} ms"
        )

        tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=9)
        began = time.perf_counter()
        made = mail.build_digests(db.session, tomorrow)
        db.session.commit()
        for _ in range(-(-made // tasks.SEND_BATCH)):
            tasks.defer(db.session, tasks.send_mail)
        db.session.commit()
        digest_seconds = time.perf_counter() - began
        jobs = db.session.scalar(
            text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'send_mail'")
        )
        print(
            f"daily digest for {made:,} people ({notes:,} notifications): built and queued "
            f"in {digest_seconds:.1f} s ({jobs} send jobs)"
        )
        db.session.remove()
        db.engine.dispose()

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "items": args.items,
        "people": args.people,
        "fan_out": fan_out,
        "digest": {
            "people": made,
            "notifications": notes,
            "seconds": round(digest_seconds, 2),
            "send_jobs": jobs,
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-mail.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"results in {out.relative_to(ROOT)}")
    drop(DB)


if __name__ == "__main__":
    main()
