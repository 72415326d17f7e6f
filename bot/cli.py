"""Flask commands for operators and newcomers: `flask flows check`, `flask chat`."""

from __future__ import annotations

import logging
import os
import sys
import time
import urllib.request

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from bot.answers import PARSERS
from bot.catalog import translate_cli
from bot.db import get_db
from bot.engine.loader import check_flows, load_flows
from bot.export import export_records, write_csv, write_jsonl
from bot.hotline import Hotline
from bot.reports import STATUSES
from bot.sms.simulator import Simulator

flows_cli = AppGroup("flows", help="Check the conversation content in flows/.")


@flows_cli.command("check")
def check_command() -> None:
    """Load every flow and fail on unknown targets, unreachable nodes, parsers or placeholders."""
    flows = load_flows(current_app.config["FLOWS_DIR"])
    problems = check_flows(flows, PARSERS, Hotline.context_keys())
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    nodes = sum(len(f.nodes) for f in flows.flows.values())
    click.echo(f"{len(flows.flows)} flows, {nodes} nodes: no problems.")


@flows_cli.command("sources")
def sources_command() -> None:
    """List every legal information text with its sources and review date, for a lawyer's audit."""
    flows = load_flows(current_app.config["FLOWS_DIR"])
    for flow in flows.flows.values():
        if not flow.legal:
            continue
        click.echo(f"== {flow.name}: {flow.title}")
        for node in flow.nodes.values():
            if not node.say or not node.facts:
                continue
            click.echo(f"\n{flow.name}.{node.name} (last reviewed {node.reviewed or 'NEVER'})")
            click.echo("  " + node.say.replace("\n", "\n  "))
            for source in node.sources or ("NO SOURCE",):
                click.echo(f"  - {source}")
        click.echo()


@click.command("chat")
@click.option("--sender", default="+13125550100", show_default=True, help="The number you pretend to text from.")
@click.option("--whatsapp", is_flag=True, help="Text as a WhatsApp user.")
@click.option("--url", default=None, help="A running server's base URL (default: run the app in this process).")
@click.option("--wait", default=0, type=int, help="Seconds to wait for the server at --url to come up.")
@with_appcontext
def chat_command(sender: str, whatsapp: bool, url: str | None, wait: int) -> None:
    """Text the bot from this terminal, through the signed webhook, as Twilio would."""
    logging.getLogger("holdline").setLevel(logging.WARNING)  # keep the conversation readable
    config = current_app.config
    simulator = Simulator(
        auth_token=config["TWILIO_AUTH_TOKEN"],
        sender=("whatsapp:" if whatsapp else "") + sender,
        app=None if url else current_app._get_current_object(),  # type: ignore[attr-defined]
        base_url=url or "http://localhost",
        signed_base_url=config["PUBLIC_BASE_URL"] or None,
    )
    if url and wait and not _wait_for(url.rstrip("/") + "/healthz", wait):
        raise click.ClickException(f"no server answered at {url} within {wait} seconds")
    click.echo(f"Texting Holdline as {simulator.sender}. Type a message and press Enter; Ctrl-D to quit.")
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        reply = simulator.send(line)
        if reply.status != 200:
            click.echo(f"(the webhook answered HTTP {reply.status})")
        if not reply.texts:
            click.echo("(no reply)")
        for text in reply.texts:
            click.echo("bot> " + text.replace("\n", "\n     "))


def _wait_for(url: str, seconds: int) -> bool:
    """Poll a URL until it answers 200 or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a local URL)
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


reports_cli = AppGroup("reports", help="Work with submitted reports.")


@reports_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="A file to write (default: stdout).")
@click.option("--status", type=click.Choice(STATUSES), help="Only reports with this status.")
@click.option("--state", help="Only reports from this state (USPS code, e.g. IL).")
def export_command(fmt: str, output: str | None, status: str | None, state: str | None) -> None:
    """Export reports (schema: docs/export.md); the file holds personal data, keep it safe."""
    db = get_db()
    with db.transaction() as session:
        records = export_records(session, current_app.config["HOTLINE_TIMEZONE"], status=status, state=state)
        writer = write_csv if fmt == "csv" else write_jsonl
        if output:
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
            with open(fd, "w", encoding="utf-8", newline="") as out:
                count = writer(records, out)
            click.echo(f"{count} reports written to {output}", err=True)
        else:
            writer(records, sys.stdout)


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(flows_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(chat_command)
    app.cli.add_command(translate_cli)
