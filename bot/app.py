"""The Flask application: settings, the hotline, the webhook, the dashboard and the CLI wired together."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.config import Settings, apply_dev_defaults, settings_from_env
from bot.engine.checks import check_flows
from bot.engine.loader import FlowError, load_flows
from bot.hotline import Hotline
from bot.i18n.catalogs import Catalogs
from bot.storage import database


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from environment settings, overridden by `config` (tests pass their own)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings_from_env(app.instance_path))
    app.config.update(config or {})
    local = bool(app.debug or app.config.get("TESTING"))
    if local:
        apply_dev_defaults(app.config)
    settings = app.extensions["holdline.settings"] = Settings.from_config(app.config, local=local)
    _configure_logging(app)
    # Twilio signs the public URL; behind Heroku's router or nginx, rebuild it from X-Forwarded-*.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)  # type: ignore[method-assign]

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
    def healthz() -> dict[str, str]:
        """Tell a load balancer the process is up."""
        return {"status": "ok"}

    return app


def _configure_logging(app: Flask) -> None:
    """Log our own messages at INFO; they never contain numbers, names or message bodies."""
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    logger = logging.getLogger("holdline")
    logger.setLevel(level)
    if not logging.getLogger().handlers and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
