"""Run Alembic migrations from Flask: `flask db upgrade`, `current`, `revision`."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import AppGroup

from bot.config import PROJECT_ROOT, settings_of


def alembic_config(database_url: str) -> Config:
    """Build an Alembic config for this project without relying on the working directory."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Create or migrate the schema at database_url up to revision."""
    command.upgrade(alembic_config(database_url), revision)


db_cli = AppGroup("db", help="Create and migrate the database schema (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Create the schema or migrate it to REVISION (default: the newest)."""
    upgrade(settings_of(current_app).database_url, revision)
    click.echo("Database schema is up to date.")


@db_cli.command("current")
def current_command() -> None:
    """Show the schema revision the database is at."""
    command.current(alembic_config(settings_of(current_app).database_url))


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
def revision_command(message: str) -> None:
    """Write a new migration by comparing the models with the database."""
    command.revision(alembic_config(settings_of(current_app).database_url), message=message, autogenerate=True)
