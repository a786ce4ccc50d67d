"""Needs near you (`make bench-matching`, issue #13's goal): /me/matches on the bench database
at 1,000,000 items, with 100,000 offers giving skills and a fifth of projects and ideas (about
150,000) needing one to three of 40 skills, at 32 connections through gunicorn as in
production, logged in. Also the statement alone, one connection, to show where time goes.

Results print and are written to benchmarks/results/<time>-matching.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import (  # noqa: E402 - after the path is set
    APP_PORT,
    CONNECTIONS,
    RESULTS,
    app_server,
    log_in,
    pgbench,
    prepare_data,
    the_person,
    wrk,
)

SKILLS = [
    "carpentry", "gardening", "painting", "cooking", "coding", "design", "teaching", "diy",
    "translation", "first aid", "bike repair", "driving", "plumbing", "electrics", "photography",
    "fundraising", "bookkeeping", "writing", "music", "sewing", "childcare", "befriending",
    "marketing", "legal advice", "counselling", "sport coaching", "litter picking", "tree care",
    "event planning", "baking", "knitting", "dance", "film making", "web design", "mentoring",
    "languages", "data", "research", "welding", "upholstery",
]  # fmt: skip

# One to three skills per row, spread over all 40 by a hash of its id, so every run is the same.
PICK = (
    "ARRAY(SELECT DISTINCT (CAST(:skills AS text[]))[1 + ('x' || substr(md5(id || ':' || k), 1, 7))"
    "::bit(28)::int % 40] FROM generate_series(1, 1 + id % 3) k)"
)


def give_skills(engine) -> dict:
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        needs = conn.execute(
            text(
                f"UPDATE initiatives SET skills_needed = {PICK} WHERE kind IN ('project', 'idea')"
                f" AND id % 5 = 0 AND skills_needed::text[] IS DISTINCT FROM {PICK}"
            ),
            {"skills": SKILLS},
        ).rowcount
        offers = conn.execute(
            text(
                f"UPDATE initiatives SET skills = {PICK} WHERE id IN (SELECT id FROM initiatives"
                " WHERE kind = 'offer' ORDER BY id LIMIT 100000)"
                f" AND skills::text[] IS DISTINCT FROM {PICK}"
            ),
            {"skills": SKILLS},
        ).rowcount
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE initiatives"))
        counts = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE skills_needed <> '{}'),"
                " count(*) FILTER (WHERE kind = 'offer' AND skills <> '{}') FROM initiatives"
            )
        ).one()
    return {"set_now": [needs, offers], "needing": counts[0], "offering": counts[1]}


def origin_of(app, user_id: int):
    from civicmap.extensions import db
    from civicmap.models import User
    from civicmap.services import matching

    with app.app_context():
        origin = matching.origin_for(db.session, db.session.get(User, user_id), "ward")
        db.session.remove()
    return origin


def statement_alone(app, user_id: int, within: int, repeats: int = 200) -> dict:
    from civicmap.extensions import db
    from civicmap.services import matching

    origin = origin_of(app, user_id)
    with app.app_context():
        times, found = [], 0
        for _ in range(repeats):
            started = time.perf_counter()
            found = len(matching.needs_near(db.session, origin, within))
            times.append((time.perf_counter() - started) * 1000)
        db.session.remove()
    return {**summary(times), "matches": found}


def summary(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95)], 2),
    }


def statement_at_32(app, user_id: int, within: int, seconds: int) -> dict:
    """The statement alone from 32 connections at once, as many times as they can in `seconds`:
    what the database answers under the issue's concurrency, without the page around it."""
    import threading

    import psycopg

    from civicmap.services import matching

    params = matching.needs_params(origin_of(app, user_id), within)
    dsn = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg", "postgresql")
    times: list[float] = []
    stop = time.perf_counter() + seconds

    def client() -> None:
        with psycopg.connect(dsn) as conn:
            mine = []
            while time.perf_counter() < stop:
                started = time.perf_counter()
                conn.execute(matching.NEEDS, params, prepare=True).fetchall()
                mine.append((time.perf_counter() - started) * 1000)
            times.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"queries_per_s": round(len(times) / seconds, 1), **summary(times)}


def statement_by_pgbench(app, user_id: int, within: int, seconds: int) -> dict:
    """The same statement from 32 pgbench clients (C, no Python in the way): the database's own
    limit. Values written into the text (pgbench binds no arrays); all are ours, not input."""
    from civicmap.services import matching

    sql = matching.NEEDS
    for name, value in matching.needs_params(origin_of(app, user_id), within).items():
        literal = (
            "ARRAY[" + ",".join(f"'{v}'" for v in value) + "]"
            if isinstance(value, list)
            else repr(value)
        )
        sql = sql.replace(f"%({name})s", literal)
    return pgbench(([" ".join(sql.split())], {}), seconds, prepared=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()

    from civicmap.extensions import db

    prepared = prepare_data(args.items)
    app = prepared["app"]
    with app.app_context():
        skills = give_skills(db.engine)
        user_id = the_person(db.session)
        db.session.remove()
        db.engine.dispose()
    result = {"items": args.items, "skills": skills, "connections": CONNECTIONS}
    for within in (2000, 5000):
        result[f"statement_{within}m"] = statement_alone(app, user_id, within)
        result[f"statement_{within}m_at_32"] = statement_at_32(app, user_id, within, args.seconds)
        result[f"statement_{within}m_pgbench_32"] = statement_by_pgbench(
            app, user_id, within, args.seconds
        )
    base = f"http://127.0.0.1:{APP_PORT}"
    with app_server():
        cookie = log_in(base)
        for within in (2000, 5000):
            url = f"{base}/me/matches?source=ward&within={within}"
            result[f"page_{within}m"] = wrk(url, args.seconds, headers=[f"Cookie: {cookie}"])
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{stamp}-matching.json"
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
