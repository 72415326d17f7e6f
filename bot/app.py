"""The Flask application: settings, the hotline, the webhook, the dashboard and the CLI wired together."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.config import ConfigError, Settings, apply_dev_defaults, check_debug_database, settings_from_env
from bot.core.deadline import Late, call_within
from bot.core.logsafe import JsonFormatter, describe_exception
from bot.engine.checks import check_flows
from bot.engine.loader import FlowError, load_flows
from bot.hotline import Hotline
from bot.i18n.catalogs import Catalogs
from bot.sms.journal import Journal
from bot.storage import crypto, database
from bot.storage.database import UNAVAILABLE

# A request body larger than any Twilio webhook (1,600 characters, percent-encoded, and 10 photo
# URLs) or staff form is refused with 413 before it is read.
MAX_CONTENT_LENGTH = 64 * 1024
MAX_FORM_PARTS = 100
HEALTH_TIMEOUT_SECONDS = 2.0


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from environment settings, overridden by `config` (tests pass their own)."""
    app = Flask(__name__, instance_relative_config=True)
    limits = {"MAX_FORM_MEMORY_SIZE": MAX_CONTENT_LENGTH, "MAX_FORM_PARTS": MAX_FORM_PARTS}
    app.config.update(MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH, **limits)
    app.config.update(settings_from_env(app.instance_path))
    app.config.update(config or {})
    testing = bool(app.config.get("TESTING"))
    local = bool(app.debug or testing)
    if app.debug and not testing:
        check_debug_database(str(app.config.get("DATABASE_URL", "")))
    if local:
        apply_dev_defaults(app.config, app.instance_path, testing=testing)
        if not (app.config.get("HOLDLINE_DATA_KEYS") and app.config.get("HOLDLINE_INDEX_KEY")):
            for name, value in crypto.dev_keys(Path(app.instance_path)).items():  # random per machine, tests too
                app.config[name] = app.config.get(name) or value
    settings = app.extensions["holdline.settings"] = Settings.from_config(app.config, local=local)
    try:
        crypto.configure(crypto.Keyring.from_strings(settings.holdline_data_keys, settings.holdline_index_key))
    except crypto.KeyProblem as exc:
        raise ConfigError(
            f"Holdline will not start{'' if local else ' in production'} with unsafe settings:\n  - {exc}"
            + ("" if local else "\n(For local development, run with FLASK_DEBUG=1.)")
        ) from exc
    _configure_logging(app)
    # Twilio signs the public URL; behind Heroku's router or nginx, rebuild it from X-Forwarded-Proto/Host/Port.
    # The client's address is not taken from X-Forwarded-For here: bot/staff/addresses.py reads it only from
    # TRUSTED_PROXIES, so a caller reaching gunicorn directly cannot pick its own address.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=1, x_host=1, x_port=1)  # type: ignore[method-assign]

    database.init_app(app, settings.database_url)
    try:
        flows = load_flows(settings.flows_dir)
        problems = check_flows(flows, Hotline.flow_rules(production=not settings.local))
    except FlowError as exc:
        problems = [str(exc)]
    if not problems:
        app.extensions["holdline.hotline"] = Hotline(
            db=database.get_db(app),
            flows=flows,
            catalogs=Catalogs(settings.locales_dir),
            settings=settings,
            journal=Journal(settings.journal_dir),
        )
    elif os.environ.get("FLASK_RUN_FROM_CLI") == "true":
        # A command line must still start, so that `flask flows check` can show what to fix.
        print(
            f"warning: the flows in FLOWS_DIR have {len(problems)} problem(s); run `flask flows check`.",
            file=sys.stderr,
        )
    else:
        raise RuntimeError("the flows in FLOWS_DIR have problems; run `flask flows check`:\n" + "\n".join(problems))

    from bot.sms.webhook import bp as sms_bp

    app.register_blueprint(sms_bp)

    from bot.staff import init_app as init_staff

    init_staff(app)

    from bot.cli import init_app as init_cli

    init_cli(app)

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        """Tell a load balancer or an operator which part is down: the database (checked with a short timeout)."""
        db = database.get_db(app)
        try:
            call_within(HEALTH_TIMEOUT_SECONDS, lambda _abandoned: db.ping())
            parts = {"database": "ok"}
        except Late:
            parts = {"database": "timeout"}
        except UNAVAILABLE as exc:
            parts = {"database": f"down ({type(exc).__name__})"}
        hotline = app.extensions.get("holdline.hotline")
        if hotline is not None:
            parts["journal_waiting"] = str(len(hotline.journal.waiting()))
        ok = parts["database"] == "ok"
        return jsonify({"status": "ok" if ok else "degraded", **parts}), 200 if ok else 503

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Response | HTTPException:
        """Log any unexpected error by type and place only (its message may quote a texter), and answer 500."""
        if isinstance(exc, HTTPException):
            return exc
        logging.getLogger("holdline.app").error("unhandled error: %s", describe_exception(exc))
        return Response("Internal error\n", status=500, mimetype="text/plain")

    return app


def _configure_logging(app: Flask) -> None:
    """Log our own messages at INFO; they never contain numbers, names or message bodies."""
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    logger = logging.getLogger("holdline")
    logger.setLevel(level)
    if not logging.getLogger().handlers and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
