"""matcher: one-to-one email peer support through a masked relay."""
import os
from pathlib import Path

import click
from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """Return `templates`, `migrations` or `translations`: shipped in the package by a wheel, else in the checkout."""
    shipped = PACKAGE_DIR / name
    return shipped if shipped.is_dir() else SOURCE_ROOT / name


def source_instance_dir() -> Path | None:
    """Return the checkout's `instance/` folder, or None when matcher is installed from a wheel."""
    candidate = SOURCE_ROOT / "instance"
    return candidate if (SOURCE_ROOT / "setup.cfg").is_file() and candidate.is_dir() else None


class StartupRefused(click.ClickException):
    """The configuration cannot be used; the command line prints one line, no traceback."""

    # EX_TEMPFAIL: an MTA pipe keeps the mail and retries once the operator fixes the setting.
    exit_code = 75


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; start no thread, scheduler or socket."""
    instance = source_instance_dir()
    app = Flask(
        __name__,
        # Installed from a wheel, Flask's own default applies: <prefix>/var/matcher-instance.
        instance_path=str(instance) if instance else None,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
    )
    app.config.from_object("matcher.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)
    from matcher import logs, settings

    try:
        settings.apply_settings(app.config)
    except settings.ConfigError as error:
        raise StartupRefused(str(error)) from None
    logs.init_app(app)
    from matcher import accesslog, proxies

    proxies.init_app(app)  # the client address behind MATCHER_TRUSTED_PROXIES proxies
    accesslog.init_app(app)  # link tokens and masked addresses never reach access or error logs
    _default_database(app)
    from matcher.security import install_id_converter

    install_id_converter(app)  # before any blueprint adds its routes
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    from matcher import branding, errors, i18n, security, templating

    security.init_app(app)
    branding.init_app(app)
    i18n.init_app(app, str(resource_dir("translations")))
    templating.init_app(app)
    errors.init_app(app)
    return app


def _default_database(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = Path(app.instance_path) / "matcher.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"


def _init_extensions(app: Flask) -> None:
    from matcher import database
    from matcher.extensions import csrf, db, limiter, login_manager, mail, migrate

    database.import_models()
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from matcher.care.views import bp as care_bp
    from matcher.console.views import bp as console_bp
    from matcher.intake.views import bp as intake_bp
    from matcher.mailrelay.console_views import bp as relay_console_bp
    from matcher.mailrelay.inbound.mailbox_views import bp as mailrelay_bp
    from matcher.mailrelay.inbound.webhook import bp as relay_webhook_bp
    from matcher.pairing.console_views import bp as pairing_console_bp
    from matcher.pairing.views import bp as pairing_bp
    from matcher.privacy.views import bp as privacy_console_bp
    from matcher.reporting.views import bp as reporting_bp
    from matcher.safeguarding.views import bp as safeguarding_console_bp

    for blueprint in (intake_bp, console_bp, mailrelay_bp, pairing_bp, pairing_console_bp,
                      relay_webhook_bp, relay_console_bp, safeguarding_console_bp, reporting_bp, care_bp,
                      privacy_console_bp):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from matcher.care.cli import jobs_cli, scheduler_cli
    from matcher.console.cli import coordinators_cli
    from matcher.demo import demo_command
    from matcher.intake.cli import requests_cli
    from matcher.mailrelay.cli import relay_cli
    from matcher.pairing.cli import pairing_cli, volunteers_cli
    from matcher.privacy.cli import keys_cli

    for command in (coordinators_cli, demo_command, requests_cli, relay_cli, volunteers_cli, pairing_cli,
                    scheduler_cli, jobs_cli, keys_cli):
        app.cli.add_command(command)
