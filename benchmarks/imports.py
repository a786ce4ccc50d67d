"""`flask import items` at scale (`make bench-import`): a CSV of 1,000,000 rows (four in five
with lat/lon, one in five with a postcode), on a database of its own with Lambeth's wards and
postcodes; the dry run (read + COPY + every check) and the real import, each timed, and where
the time goes (reading and COPY, the checks, the INSERT with its triggers).

Results print and go to benchmarks/results/<time>-import.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB = "civicmap_bench_import"
POSTCODES = Path(
    os.environ.get("CIVICMAP_POSTCODES", ROOT.parent / "shared/data/lambeth-postcodes-2014.csv")
)
CATEGORIES = ["environment", "food", "arts", "health", "community-spaces", "sport"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    from sqlalchemy import text

    from benchmarks.scratch_db import drop, fresh_app
    from civicmap.extensions import db
    from civicmap.services import accounts, areas, imports

    app = fresh_app(DB)
    with app.app_context():
        with POSTCODES.open(encoding="utf-8", newline="") as lines:
            areas.import_postcodes(db.session, lines)
        officer = accounts.register(
            db.session, "importer@example.org", "Importer", "a-long-Lambeth-passphrase"
        )
        db.session.commit()
        officer_id = officer.id
        inside = db.session.execute(
            text(
                "SELECT p.postcode, ST_Y(p.location), ST_X(p.location) FROM postcodes p"
                " WHERE EXISTS (SELECT 1 FROM wards w WHERE ST_Intersects(w.geom, p.location))"
            )
        ).all()

        rng = random.Random(2026)
        path = Path(tempfile.mkdtemp(prefix="civicmap-import-")) / "groups.csv"
        began = time.perf_counter()
        with path.open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["source_id", "title", "category", "lat", "lon", "postcode", "summary"])
            for n in range(args.rows):
                postcode, lat, lon = inside[n % len(inside)]
                by_postcode = n % 5 == 0
                out.writerow(
                    [
                        f"src-{n}",
                        f"Community group {n} near {postcode}",
                        rng.choice(CATEGORIES),
                        "" if by_postcode else f"{lat:.6f}",
                        "" if by_postcode else f"{lon:.6f}",
                        postcode if by_postcode else "",
                        "Imported from the council's directory of groups",
                    ]
                )
        written = time.perf_counter() - began
        size_mb = path.stat().st_size / 1e6
        print(f"wrote {args.rows:,} rows ({size_mb:.0f} MB) in {written:.1f} s")

        results = {}
        for dry_run in (True, False):
            db.session.remove()
            began = time.perf_counter()
            report = imports.run(db.session, path, officer_id, dry_run=dry_run)
            checked = time.perf_counter() - began
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
            label = "dry run" if dry_run else "import"
            results[label] = {
                "rows": report.rows,
                "problems": len(report.problems),
                "created": report.created,
                "seconds": round(checked, 1),
                "rows_per_s": round(report.rows / checked),
            }
            print(
                f"{label:8} {report.rows:,} rows, {len(report.problems)} problems, "
                f"{report.created:,} new: {checked:.1f} s = {report.rows / checked:,.0f} rows/s"
            )
        count = db.session.scalar(text("SELECT count(*) FROM initiatives"))
        db.session.remove()
        db.engine.dispose()
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": args.rows,
        "items_after": count,
        "results": results,
    }
    out_path = ROOT / "benchmarks" / "results" / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-import.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=2))
    print(f"{count:,} items in the database; results in {out_path.relative_to(ROOT)}")
    path.unlink()
    path.parent.rmdir()
    drop(DB)


if __name__ == "__main__":
    main()
