"""civicmap: a crowd map of citizen-powered change."""

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
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_errors(app)
    return app


def register_extensions(app: Flask) -> None:
    from geoalchemy2 import alembic_helpers

    from civicmap import models
    from civicmap.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/../migrations"),
        compare_type=True,
        # PostGIS's own tables (spatial_ref_sys) and spatial column types, as GeoAlchemy2 advises.
        include_object=alembic_helpers.include_object,
        render_item=alembic_helpers.render_item,
    )
    csrf.init_app(app)
    babel.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(models.User, int(user_id))

    from civicmap.web import context_processor, security_headers

    app.context_processor(context_processor)
    app.after_request(security_headers)


def register_blueprints(app: Flask) -> None:
    from civicmap.health.views import bp as health_bp
    from civicmap.main.views import bp as main_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(main_bp)


def register_cli(app: Flask) -> None:
    from civicmap.cli import areas_cli, demo_cli

    app.cli.add_command(areas_cli)
    app.cli.add_command(demo_cli)


def register_errors(app: Flask) -> None:
    from civicmap.web import register_error_handlers

    register_error_handlers(app)
