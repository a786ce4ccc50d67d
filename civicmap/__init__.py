"""civicmap: a crowd map of citizen-powered change."""

import os
import secrets
import time
from pathlib import Path

from flask import Flask

from civicmap.config import Config

__all__ = ["create_app"]


def create_app(config: type[Config] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(config or Config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _kept_secret_key(Path(app.instance_path) / "secret_key")
    if not app.config["UPLOADS_DIR"]:
        app.config["UPLOADS_DIR"] = str(Path(app.instance_path) / "uploads")
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    from civicmap.routing import IdConverter

    app.url_map.converters["id"] = IdConverter
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_errors(app)
    return app


def _kept_secret_key(path: Path) -> str:
    """The key in `path`, made on first use. Workers starting together race to create it:
    exactly one wins (O_EXCL) and the others read what it wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the winner may not have written it yet
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it and start again") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as out:
        out.write(key)
    return key


def register_extensions(app: Flask) -> None:
    from geoalchemy2 import alembic_helpers

    from civicmap import models  # noqa: F401 - every table, before Flask-Migrate looks
    from civicmap.extensions import (
        babel,
        cache,
        csrf,
        db,
        end_request_session,
        limiter,
        login_manager,
        migrate,
    )

    db.init_app(app)
    from civicmap import replica

    replica.init_app(app)
    app.teardown_appcontext(end_request_session)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/../migrations"),
        compare_type=True,
        # PostGIS's own tables (spatial_ref_sys) and spatial column types, as GeoAlchemy2 advises.
        include_object=include_object,
        render_item=alembic_helpers.render_item,
    )
    from civicmap.progress.views import UPLOADS
    from civicmap.services.photos import allow_uploads

    app.before_request(allow_uploads(UPLOADS))  # before CSRF protection reads the form
    csrf.init_app(app)
    from civicmap.i18n import choose_language, select_locale, vary_by_language

    babel.init_app(app, locale_selector=select_locale)
    app.after_request(vary_by_language)
    # Chosen as the request starts, while the database session is sound: a message translated
    # later (a refusal after a failed flush) must not need the account row then.
    app.before_request(choose_language)
    limiter.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)

    from civicmap import pagecache
    from civicmap.services import notifications

    @login_manager.user_loader
    def load_user(session_id: str):
        # "<id>.<session version>": a session from before a password change or a log-out
        # carries an old version and ends here.
        user_id, _, version = session_id.partition(".")
        if not (
            user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()
        ):
            return None
        user = pagecache.load_reader(int(user_id), notifications.account_of_reader)
        if user is None or user.session_version != int(version) or user.suspended_at:
            return None
        return user

    login_manager.login_view = "auth.login"
    from civicmap.geo import point_of
    from civicmap.pagecache import reader_context
    from civicmap.rendering import user_text
    from civicmap.routing import unauthorized
    from civicmap.security import refuse_nul_characters, security_headers
    from civicmap.templating import context_processor

    login_manager.unauthorized_handler(unauthorized)
    app.context_processor(context_processor)
    app.context_processor(reader_context)  # after Flask-Login's: see civicmap/pagecache.py
    app.after_request(security_headers)
    app.before_request(refuse_nul_characters)
    app.add_template_filter(user_text)
    app.add_template_filter(point_of, "point")
    from flask_babel import format_decimal

    app.add_template_filter(format_decimal, "number")  # 1,234 / 1 234 / 1.234 by language
    app.jinja_env.add_extension("jinja2.ext.do")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """What migrations compare with the models: not PostGIS's own tables (as GeoAlchemy2
    advises), nor the task queue's (procrastinate's schema, applied whole by migration 0015)."""
    from geoalchemy2 import alembic_helpers

    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    if (table or "").startswith("procrastinate_"):
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def register_blueprints(app: Flask) -> None:
    from flask_cors import CORS

    from civicmap.api import bp as api_bp
    from civicmap.areas.views import bp as areas_bp
    from civicmap.auth.views import bp as auth_bp
    from civicmap.engagement.views import bp as engagement_bp
    from civicmap.events.views import bp as events_bp
    from civicmap.extensions import csrf
    from civicmap.health.views import bp as health_bp
    from civicmap.initiatives.views import bp as initiatives_bp
    from civicmap.main.views import bp as main_bp
    from civicmap.map.views import bp as map_bp
    from civicmap.matching.views import bp as matching_bp
    from civicmap.moderation.views import bp as moderation_bp
    from civicmap.notifications.views import bp as notifications_bp
    from civicmap.officers.views import bp as officers_bp
    from civicmap.ogc.views import bp as ogc_bp
    from civicmap.opendata.views import bp as opendata_bp
    from civicmap.people.views import bp as people_bp
    from civicmap.progress.views import bp as progress_bp

    blueprints = (
        main_bp,
        map_bp,
        areas_bp,
        health_bp,
        auth_bp,
        people_bp,
        matching_bp,
        initiatives_bp,
        engagement_bp,
        progress_bp,
        events_bp,
        moderation_bp,
        notifications_bp,
        officers_bp,
        opendata_bp,
        api_bp,
        ogc_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)
    # Open data reads from anywhere; nothing that writes is reachable cross-origin.
    CORS(
        app,
        resources={r"/(api|ogc|data)(/.*)?": {"origins": "*"}},
        methods=["GET", "HEAD"],
        send_wildcard=True,
    )
    csrf.exempt(api_bp)  # read-only
    csrf.exempt(ogc_bp)


def register_cli(app: Flask) -> None:
    from civicmap.cli import areas_cli, demo_cli, import_cli, people_cli, worker_command

    for group in (areas_cli, demo_cli, import_cli, people_cli, worker_command):
        app.cli.add_command(group)


def register_errors(app: Flask) -> None:
    from civicmap.error_pages import register_error_handlers

    register_error_handlers(app)
