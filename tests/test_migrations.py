"""The migrations build the same schema the models describe, and come down again cleanly."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from civicmap import create_app, include_object
from civicmap.config import TestConfig
from civicmap.extensions import db
from tests.conftest import recreate_database


def test_autogenerate_finds_no_difference_between_models_and_migrations(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "include_object": include_object},
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


@pytest.fixture
def scratch_app():
    url = sa.make_url(TestConfig.SQLALCHEMY_DATABASE_URI).set(database="civicmap_migrations")
    url_text = url.render_as_string(hide_password=False)
    recreate_database(url_text)

    class Scratch(TestConfig):
        SQLALCHEMY_DATABASE_URI = url_text

    app = create_app(Scratch)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrade_then_downgrade_base_leaves_an_empty_database(scratch_app):
    with scratch_app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {
            "wards",
            "users",
            "initiatives",
            "appreciations",
            "proposals",
            "volunteerings",
            "comments",
            "messages",
        } <= tables
        downgrade(revision="base")
        db.engine.dispose()
        left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert left == set()
        with db.engine.connect() as conn:
            assert (
                conn.scalar(sa.text("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"))
                == 0
            )
        upgrade()  # and up again, from nothing
