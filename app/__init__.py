"""Agora: participatory deliberation and voting for cities."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import request_log
from config import BASE_DIR, Config, ProductionConfig, config_from_env, database_url


def create_app(config_class: type[Config] | None = None, **overrides: object) -> Flask:
    """Build the application: configuration, extensions, features, errors, commands."""
    config_class = config_class or config_from_env()
    if issubclass(config_class, ProductionConfig):
        config_class.check()

    app = Flask(
        __name__,
        instance_path=str(BASE_DIR / "instance"),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("TESTING"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    request_log.configure(app)

    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy: trust its X-Forwarded-* headers, and only its own.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions of app/extensions.py to this app."""
    from app import i18n, page_cache
    from app.accounts.services import init_password_hasher
    from app.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=None)
    limiter.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    init_password_hasher(app)
    i18n.register_filters(app)
    page_cache.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount each feature's blueprint."""
    from app.accounts import bp as accounts_bp
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.consultations import bp as consultations_bp
    from app.discussion import bp as discussion_bp
    from app.implementation import bp as implementation_bp
    from app.inclusion import bp as inclusion_bp
    from app.main import bp as main_bp
    from app.moderation import bp as moderation_bp
    from app.notifications import bp as notifications_bp
    from app.organisations import bp as organisations_bp
    from app.proposals import bp as proposals_bp
    from app.results import bp as results_bp
    from app.supports import bp as supports_bp
    from app.verification import bp as verification_bp
    from app.votes.blueprint import bp as votes_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp, url_prefix="/account")
    app.register_blueprint(organisations_bp, url_prefix="/organisations")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(moderation_bp, url_prefix="/moderation")
    # These define whole paths: /consultations/..., /strategy/..., /proposals/..., /comments/...
    app.register_blueprint(consultations_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(supports_bp)
    app.register_blueprint(discussion_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(inclusion_bp, url_prefix="/inclusion")
    app.register_blueprint(verification_bp)  # /account/verify, /census/...
    app.register_blueprint(api_bp)  # /api/v1/... and /open-data
    app.register_blueprint(votes_bp)
    app.register_blueprint(implementation_bp)
    app.register_blueprint(results_bp)  # /consultations/<id>/results...


def register_errorhandlers(app: Flask) -> None:
    """Render error pages in the visitor's language."""
    from app.errors import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    """Security headers, htmx caching hints and template globals."""
    from app import i18n, security
    from app.admin.services import site_context

    security.register(app)
    app.context_processor(site_context)
    app.context_processor(i18n.locale_context)


def register_cli(app: Flask) -> None:
    """Command-line groups: `flask users ...`, `flask backup ...`, `flask demo ...`,
    `flask audit ...`, `flask census ...`, `flask outbox ...`, `flask votes ...`, and
    `flask tally FILE.pb`."""
    from app.accounts.cli import users_cli
    from app.backup.cli import backup_cli
    from app.demo import demo_cli
    from app.moderation.cli import audit_cli
    from app.outbox.cli import outbox_cli
    from app.verification.cli import census_cli
    from app.votes.cli import tally_command, votes_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(tally_command)
    app.cli.add_command(census_cli)
    app.cli.add_command(votes_cli)
