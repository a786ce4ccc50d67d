"""A database of a benchmark's own on the project cluster: made fresh (migrated, wards
imported) for one run, dropped after it. Used by benchmarks/mail.py and benchmarks/imports.py."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = os.environ.get("CIVICMAP_PG_PORT", "55432")


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def fresh_app(name: str):
    """The app on a new database `name`, migrated, with Lambeth's wards (committed)."""
    from flask_migrate import upgrade

    from civicmap import create_app
    from civicmap.config import Config
    from civicmap.extensions import db
    from civicmap.geo import read_area_features
    from civicmap.services import areas

    drop(name)
    psql(f"CREATE DATABASE {name}")

    class Bench(Config):
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://postgres@127.0.0.1:{PG_PORT}/{name}"

    app = create_app(Bench)
    with app.app_context():
        upgrade()
        wards = (ROOT / "data" / "lambeth-wards-2022.geojson").read_text()
        areas.import_areas(db.session, read_area_features(wards))
        db.session.commit()
        db.session.remove()
    return app


def drop(name: str) -> None:
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
