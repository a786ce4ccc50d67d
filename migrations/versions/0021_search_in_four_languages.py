"""Search finds Portuguese, Spanish and Polish words typed with or without their accents: a text
search configuration `civicmap` = English stemming after `unaccent` (chosen by measuring:
benchmarks/search_config.py; recall 1.00 against 0.69 for plain 'english' on its labelled set).

PostgreSQL 15 cannot change a generated column's expression in place: the column and its index
are made again (a rewrite of the table: seconds per million items).

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

DOCUMENT = "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(description, '')"


def _search_column(config: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_initiatives_search")
    op.execute("ALTER TABLE initiatives DROP COLUMN search")
    op.execute(
        "ALTER TABLE initiatives ADD COLUMN search tsvector GENERATED ALWAYS AS"
        f" (to_tsvector('{config}'::regconfig, {DOCUMENT})) STORED"
    )
    op.execute("CREATE INDEX ix_initiatives_search ON initiatives USING gin (search)")


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE TEXT SEARCH CONFIGURATION civicmap (COPY = english)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION civicmap"
        " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem"
    )
    _search_column("civicmap")


def downgrade():
    _search_column("english")
    op.execute("DROP TEXT SEARCH CONFIGURATION civicmap")
