"""flask commands: `flask areas ...`, `flask demo ...`, `flask people ...`, `flask worker`."""

import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from civicmap.errors import Invalid
from civicmap.extensions import db
from civicmap.geo import read_area_features
from civicmap.models.vocabulary import ROLES
from civicmap.services import accounts, areas, demo

areas_cli = AppGroup("areas", help="Wards and other areas.")
demo_cli = AppGroup("demo", help="Demonstration and benchmark data.")
people_cli = AppGroup("people", help="Accounts and roles.")
import_cli = AppGroup("import", help="Bring in items a council already has.")


@import_cli.command("items")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--author", "author_email", required=True, help="The account they are shared by.")
@click.option("--kind", default="project", show_default=True, help="For rows with no kind.")
@click.option("--dry-run", is_flag=True, help="Check every row and import nothing.")
def import_items_command(file: Path, author_email: str, kind: str, dry_run: bool) -> None:
    """Import projects or ideas from a CSV, GeoJSON or .xlsx file (see services/imports.py):
    every bad row is reported by line and reason, and then nothing is imported."""
    import sys
    import time

    from tqdm import tqdm

    from civicmap.services import imports

    author = accounts.find_by_email(db.session, author_email)
    if author is None:
        raise click.ClickException(f"No account has the email {author_email}.")
    started = time.perf_counter()
    with tqdm(unit=" rows", disable=not sys.stderr.isatty(), desc=file.name) as bar:
        try:
            report = imports.run(
                db.session, file, author.id, kind=kind, dry_run=dry_run, tick=bar.update
            )
        except (imports.UnreadableFile, UnicodeDecodeError) as exc:
            db.session.rollback()
            raise click.ClickException(f"{exc} Nothing was imported.") from None
    seconds = time.perf_counter() - started
    for line, reason in report.problems:
        click.echo(f"{file.name}, line {line}: {reason}", err=True)
    rate = f"{report.rows / seconds:,.0f} rows/s" if seconds else ""
    if report.problems:
        db.session.rollback()
        raise click.ClickException(
            f"{len(report.problems)} problems in {report.rows:,} rows: nothing was imported."
        )
    if dry_run:
        db.session.rollback()
        click.echo(f"{report.rows:,} rows checked, all good ({rate}); --dry-run imported nothing.")
        return
    db.session.commit()
    click.echo(
        f"Imported {report.rows:,} rows: {report.created:,} new, {report.updated:,} updated,"
        f" {report.rows - report.created - report.updated:,} unchanged ({rate})."
    )


@click.command("worker")
@click.option("--concurrency", default=1, show_default=True, help="Jobs run at once.")
@click.option("--once", is_flag=True, help="Run the jobs that are due, then stop.")
@with_appcontext
def worker_command(concurrency: int, once: bool) -> None:
    """Run the background worker: mail, digests, reminders (civicmap/tasks.py)."""
    import procrastinate
    import sqlalchemy as sa

    from civicmap import tasks

    # Each job's start, end and failure, to stderr (the journal, under systemd).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = current_app._get_current_object()
    tasks.use_app(app)
    tasks.resume_mail()
    # procrastinate speaks libpq's URL, without SQLAlchemy's "+psycopg" driver name.
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    connector = procrastinate.PsycopgConnector(conninfo=url.render_as_string(hide_password=False))
    with tasks.queue.replace_connector(connector):
        tasks.queue.run_worker(
            concurrency=concurrency, wait=not once, install_signal_handlers=not once
        )


@people_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(list(ROLES)))
@click.option("--reason", default="", help="Why (kept in the moderation log).")
def set_role_command(email: str, role: str, reason: str) -> None:
    """Appoint a council officer, moderator or admin (or make them a resident again)."""
    try:
        user = accounts.set_role(db.session, email, role, reason=reason)
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"{user.display_name} <{user.email}> is now {role}.")


@areas_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_areas_command(file: Path) -> None:
    """Import ward polygons from a GeoJSON FeatureCollection (upsert by code)."""
    try:
        features = read_area_features(file.read_text(encoding="utf-8"))
        result = areas.import_areas(db.session, features)
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: {exc.message} Nothing was imported.") from None
    except UnicodeDecodeError:
        raise click.ClickException(
            f"{file}: the file is not UTF-8 text. Nothing was imported."
        ) from None
    click.echo(
        f"Imported {len(features)} areas from {file}: "
        f"{result['created']} new, {result['updated']} updated."
    )


@areas_cli.command("import-postcodes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_postcodes_command(file: Path) -> None:
    """Load postcode centroids (CSV with postcode, lat, lon) for "near a postcode"."""
    try:
        with file.open(encoding="utf-8", newline="") as lines:
            count = areas.import_postcodes(db.session, lines)
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: {exc.message} Nothing was imported.") from None
    click.echo(f"Imported {count} postcodes from {file}.")


@demo_cli.command("seed")
@click.option(
    "--count",
    type=click.IntRange(min=1),
    default=None,
    help="Add N synthetic items spread over the area, for load and benchmark work.",
)
@click.option(
    "--seed",
    "random_seed",
    type=int,
    default=2026,
    show_default=True,
    help="Random seed, so the same data comes out every time.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=16),
    default=2,
    show_default=True,
    help="With --count: connections loading at once (one per database core).",
)
def seed_command(count: int | None, random_seed: int, jobs: int) -> None:
    """Fill an empty database with a believable demo (or N synthetic items with --count)."""
    try:
        if count:
            added, seconds = demo.load_synthetic(db.engine, count, random_seed, jobs)
            click.echo(
                f"Added {added} synthetic items in {seconds:.1f} s ({added / seconds:,.0f}/s)."
            )
            return
        result = demo.seed_demo(db.session, random_seed)
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    if result is None:
        click.echo("Demo data is already there; nothing added.")
    else:
        click.echo("Seeded the demo: " + ", ".join(f"{v} {k}" for k, v in result.items()) + ".")
