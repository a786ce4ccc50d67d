"""Test fixtures: a real PostGIS database built by running the migrations, one transaction per test.

The test database (TEST_DATABASE_URL, by default `civicmap_test` on the project-local cluster
that `make test` starts) is dropped and rebuilt once per run, so the migrations are exercised
every time. Lambeth's wards are imported once; every test runs inside a transaction that is
rolled back, so tests never see each other's rows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from civicmap import create_app
from civicmap.config import TestConfig
from civicmap.extensions import db
from civicmap.geo import read_area_features
from civicmap.services.areas import import_areas

ROOT = Path(__file__).resolve().parent.parent
WARDS_FILE = ROOT / "data" / "lambeth-wards-2022.geojson"
SHARED_DATA = ROOT.parent / "shared" / "data"


def admin_url(url: str, database: str = "postgres") -> sa.URL:
    return sa.make_url(url).set(database=database)


def recreate_database(url: str) -> None:
    """Drop and create the database named in `url`, through the server's `postgres` database."""
    name = sa.make_url(url).database
    engine = sa.create_engine(admin_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


@pytest.fixture(scope="session")
def app():
    recreate_database(TestConfig.SQLALCHEMY_DATABASE_URI)
    app = create_app(TestConfig)
    with app.app_context():
        upgrade()
        import_areas(db.session, read_area_features(WARDS_FILE.read_text()))
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture
def session(app):
    """db.session, bound to a connection whose transaction is rolled back after the test.

    Commits inside the code under test release a savepoint instead of committing.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # A plain SQLAlchemy session: Flask-SQLAlchemy's own would pick its engine per mapper
        # and bypass this connection.
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def cli(app, session):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def postcodes_file() -> Path:
    path = Path(os.environ.get("CIVICMAP_POSTCODES", SHARED_DATA / "lambeth-postcodes-2014.csv"))
    if not path.exists():
        pytest.fail(f"postcode file {path} is missing: it comes from ../shared/data")
    return path
