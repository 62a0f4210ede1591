"""tipboard: neighbourhood tip reporting and community volunteering for a police station.

``create_app`` reads as the table of contents of the application.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import weakref
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from PIL import Image
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS
from tipboard import caching, cli, errors, flow, maptiles, ratelimit, security, templating
from tipboard.api.clients import demo_client_exists
from tipboard.auth.models import User
from tipboard.auth.services import load_login_session
from tipboard.caching import REDIS_TIMEOUTS
from tipboard.database import configure_sqlite
from tipboard.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
from tipboard.i18n import select_locale, translation_directories
from tipboard.ids import IdConverter
from tipboard.links import base_host, untrusted_host
from tipboard.redaction import redact

# Flask-Login's own message is English only; shown in the reader's language.
LOGIN_MESSAGE = _l("Please sign in to see this page.")

BLUEPRINTS = (
    "main",
    "auth",
    "tips",
    "moderation",
    "rewards",
    "patrols",
    "roster",
    "admin",
    "partners",
    "legal",
    "notify",
    "grids",
    "venues",
    "care",
    "disputes",
    "api",
)


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    configure(app, config_name, overrides)
    configure_logging(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_transaction_end(app)
    register_template_helpers(app)
    register_commands(app)
    check_production_safety(app)
    forget_connections_in_forked_children(app)
    return app


def configure(app: Flask, config_name: str | None, overrides: dict | None) -> None:

    name = config_name or os.environ.get("TIPBOARD_CONFIG", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"unknown TIPBOARD_CONFIG {name!r}; use one of {sorted(CONFIGS)}")
    app.config.from_mapping(CONFIGS[name].load())
    app.config["CONFIG_NAME"] = name
    if overrides:
        app.config.update(overrides)
        if "DATABASE_URL" in overrides:
            app.config["SQLALCHEMY_DATABASE_URI"] = overrides["DATABASE_URL"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories()
    # Without Redis, rate limits are counted per process (see README).
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if app.config.get("REDIS_URL"):
        # A Redis that does not answer costs half a second (then the limiter lets the request
        # through, see extensions.limiter).
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", dict(REDIS_TIMEOUTS))
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("TIPBOARD_SECRET_KEY must be set (a long random string)")
    configure_hosts(app)
    maptiles.configure(app.config)
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    Path(app.config["PHOTO_DIR"]).mkdir(parents=True, exist_ok=True)
    Image.MAX_IMAGE_PIXELS = app.config["MAX_IMAGE_PIXELS"]
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def configure_hosts(app: Flask) -> None:
    """Production needs ``BASE_URL`` (links in messages) and answers only the hosts it serves."""
    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):  # TIPBOARD_TRUSTED_HOSTS=a.example,b.example
        hosts = [h.strip() for h in hosts.split(",") if h.strip()]
    app.config["TRUSTED_HOSTS"] = hosts or None
    app.register_error_handler(SecurityError, untrusted_host)
    if app.config["CONFIG_NAME"] != "production":
        return
    if not app.config.get("BASE_URL"):
        raise RuntimeError("TIPBOARD_BASE_URL must be set (e.g. https://tips.example.org)")
    app.config["TRUSTED_HOSTS"] = hosts or [base_host(app.config["BASE_URL"])]


class _NoClientAddress(logging.Filter):
    """Werkzeug's request log starts with the client address ("203.0.113.9 - - [date] ..."; older
    Werkzeug passed it as the first "%s"); drop it (anonymous tipsters). Secret path segments
    (reset and feed tokens) are redacted, as in gunicorn's access log."""

    _ADDRESS = re.compile(r"^\S+ - - (?=\[)")

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str):
            return True
        if record.args and isinstance(record.args, tuple) and record.msg.startswith("%s - - "):
            record.msg = record.msg.replace("%s - - ", "", 1)
            record.args = record.args[1:]
        else:
            record.msg = self._ADDRESS.sub("", record.msg, count=1)
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def configure_logging(app: Flask) -> None:
    level = getattr(logging, str(app.config["LOG_LEVEL"]).upper(), logging.INFO)
    logging.getLogger("tipboard").setLevel(level)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, _NoClientAddress) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(_NoClientAddress())


def register_url_converters(app: Flask) -> None:

    app.url_map.converters["int"] = IdConverter  # before any route is added


def register_extensions(app: Flask) -> None:

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    ratelimit.init_app(app)
    caching.configure(app)
    cache.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = LOGIN_MESSAGE
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_login_session)
    security.init_app(app)


def register_blueprints(app: Flask) -> None:

    for name in BLUEPRINTS:
        module = importlib.import_module(f"tipboard.{name}")
        app.register_blueprint(module.bp)
    # Models and jobs that live outside blueprints, so migrations and the scheduler see them.
    importlib.import_module("tipboard.jobs")
    importlib.import_module("tipboard.outbox")


def register_transaction_end(app: Flask) -> None:

    flow.init_app(app)


def register_errorhandlers(app: Flask) -> None:

    errors.init_app(app)


def register_template_helpers(app: Flask) -> None:

    templating.init_app(app)
    maptiles.init_app(app)


def register_commands(app: Flask) -> None:

    cli.init_app(app)


def forget_connections_in_forked_children(app: Flask) -> None:
    """A server that loads the app once and forks its workers (gunicorn's ``preload_app``) must not
    let two processes share a pooled database connection: each child drops, without closing, what
    it inherited and opens its own (SQLAlchemy's advice for forking)."""

    with app.app_context():
        engine = weakref.ref(db.engine)

    def _in_child():
        inherited = engine()
        if inherited is not None:
            inherited.dispose(close=False)

    os.register_at_fork(after_in_child=_in_child)


def check_production_safety(app: Flask) -> None:
    """Production refuses to run with demo accounts (or the demo Open311 key) in its database."""
    if app.config["CONFIG_NAME"] != "production":
        return

    with app.app_context():
        if not sa.inspect(db.engine).has_table("user"):
            return
        has_clients = sa.inspect(db.engine).has_table("api_client")  # before the session's transaction
        if db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.is_demo.is_(True))):
            raise RuntimeError("demo accounts exist in this database; production will not start")
        if has_clients and demo_client_exists():
            raise RuntimeError(
                "the demo Open311 client key exists in this database; production will not start"
            )
        db.session.remove()
