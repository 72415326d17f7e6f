"""Flask commands for operators and newcomers: `flask flows check`, `chat`, `staff`, `outbox`, `keys`, `purge`."""

from __future__ import annotations

import logging
import os
import sys
import time
import urllib.request
from dataclasses import replace

import click
import pyotp
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from bot import alerts, recovery
from bot.config import Settings, settings_of
from bot.core.logsafe import describe_exception
from bot.core.statuses import STATUSES
from bot.engine.checks import check_flows
from bot.engine.diagram import render_svg
from bot.engine.flow import Node
from bot.engine.loader import FlowError, load_flows
from bot.engine.reviews import legal_texts, stale
from bot.export import collecting_refs, export_records, write_csv, write_jsonl
from bot.hotline import Hotline
from bot.i18n.translate import translate_cli
from bot.outbox import Worker
from bot.sms.simulator import Simulator
from bot.staff import accounts, mfa, sessions
from bot.staff.accounts import ROLES
from bot.storage import crypto, export_audit, outbox_rows, retention, rotation, staff_accounts
from bot.storage.database import get_db
from bot.storage.models import utcnow
from bot.twilio.interactive import SHAPES
from bot.twilio.rest import TwilioSender
from bot.twilio.stub import TwilioStub

flows_cli = AppGroup("flows", help="Check the conversation content in flows/.")


@flows_cli.command("check")
@click.option("--production", is_flag=True, help="Check as production does, also when run locally (reviewers named).")
def check_command(production: bool) -> None:
    """Load every flow and fail on unknown targets, parsers or placeholders; in production, on unnamed reviewers."""
    settings = settings_of(current_app)
    try:
        flows = load_flows(settings.flows_dir)
    except FlowError as exc:
        click.echo(f"problem: {exc}", err=True)
        raise SystemExit(1) from exc
    problems = check_flows(flows, Hotline.flow_rules(production=production or not settings.local))
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    nodes = sum(len(f.nodes) for f in flows.flows.values())
    click.echo(f"{len(flows.flows)} flows, {nodes} nodes: no problems.")


@flows_cli.command("sources")
def sources_command() -> None:
    """List every legal text with its sources and review, then those whose review is stale or names no one."""
    settings = settings_of(current_app)
    flows = load_flows(settings.flows_dir)
    current = None
    for text in legal_texts(flows):
        flow = text.where.partition(".")[0]
        if flow != current:
            click.echo(f"{'' if current is None else chr(10)}== {flow}: {flows.flows[flow].title}")
            current = flow
        click.echo(f"\n{text.where} ({_review_line(text.node)})")
        click.echo("  " + (text.node.say or "").replace("\n", "\n  "))
        for source in text.node.sources or ("NO SOURCE",):
            click.echo(f"  - {source}")
    today = utcnow().astimezone(settings.zone).date()
    old = stale(flows, today, settings.content_review_max_days)
    click.echo(f"\n== Stale: {len(old)} text(s) last reviewed over {settings.content_review_max_days} days ago")
    for text in old:
        click.echo(f"  {text.where} ({_review_line(text.node)})")
    unnamed = [text for text in legal_texts(flows) if not (text.node.reviewed and text.node.reviewed.named)]
    click.echo(f"\n== No named reviewer: {len(unnamed)} text(s) (production refuses them)")
    for text in unnamed:
        click.echo(f"  {text.where} ({_review_line(text.node)})")


@flows_cli.command("diagram")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="The SVG file (default: stdout).")
def diagram_command(name: str, output: str | None) -> None:
    """Draw the flow NAME (menu, report, rights…) as an SVG diagram, generated from flows/ as loaded."""
    flows = load_flows(settings_of(current_app).flows_dir)
    if name not in flows.flows:
        raise click.ClickException(f"no flow named {name!r}; the flows are: {', '.join(sorted(flows.flows))}")
    svg = render_svg(flows.flows[name])
    if output:
        with open(output, "w", encoding="utf-8") as out:
            out.write(svg)
        click.echo(f"{name}: {len(flows.flows[name].nodes)} nodes drawn to {output}")
    else:
        click.echo(svg, nl=False)


def _review_line(node: Node) -> str:
    """'last reviewed 2026-12-02 by Jane Doe (ARDC 1234567)', or what is missing."""
    if node.reviewed is None:
        return "last reviewed NEVER"
    by = node.reviewed.by if node.reviewed.named else f"{node.reviewed.by or 'no one named'} (NOT A NAMED REVIEWER)"
    return f"last reviewed {node.reviewed.on} by {by}"


@click.command("chat")
@click.option("--sender", default="+13125550100", show_default=True, help="The number you pretend to text from.")
@click.option("--whatsapp", is_flag=True, help="Text as a WhatsApp user.")
@click.option("--url", default=None, help="A running server's base URL (default: run the app in this process).")
@click.option("--wait", default=0, type=int, help="Seconds to wait for the server at --url to come up.")
@with_appcontext
def chat_command(sender: str, whatsapp: bool, url: str | None, wait: int) -> None:
    """Text the bot from this terminal, through the signed webhook, as Twilio would."""
    logging.getLogger("holdline").setLevel(logging.WARNING)  # keep the conversation readable
    settings = settings_of(current_app)
    simulator = Simulator(
        auth_token=settings.twilio_auth_token,
        sender=("whatsapp:" if whatsapp else "") + sender,
        app=None if url else current_app._get_current_object(),  # type: ignore[attr-defined]
        base_url=url or "http://localhost",
        signed_base_url=settings.public_base_url or None,
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
        refs: list[str] = []
        records = collecting_refs(
            export_records(session, settings_of(current_app).hotline_timezone, status=status, state=state), refs
        )
        writer = write_csv if fmt == "csv" else write_jsonl
        if output:
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
            with open(fd, "w", encoding="utf-8", newline="") as out:
                count = writer(records, out)
            click.echo(f"{count} reports written to {output}", err=True)
        else:
            writer(records, sys.stdout)
        used = {key: value for key, value in (("status", status), ("state", state)) if value}
        export_audit.record_export(session, staff_id=None, actor="cli", fmt=fmt, filters=used, refs=refs, now=utcnow())


staff_cli = AppGroup("staff", help="Manage staff accounts for the dashboard (/staff/).")
DEMO_EMAIL = "demo@holdline.local"
DEMO_PASSWORD = "holdline-demo-password"  # debug only: `flask staff demo` refuses to run otherwise


@staff_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin also manages accounts.")
@click.option("--name", default="", help="The name shown to other staff.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (no prompt).")
def staff_create_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a staff account; the password comes from a prompt (or stdin with --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with get_db().transaction() as session:
            user = accounts.create_staff(session, email, password, role, utcnow(), name)
            click.echo(f"Created {role} account {user.email} (id {user.id}).")
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc


def _set_active(email: str, active: bool) -> None:
    with get_db().transaction() as session:
        user = accounts.find_by_email(session, email)
        if user is None:
            raise click.ClickException(f"no account for {email}")
        accounts.set_active(session, user, active, utcnow())
    click.echo(f"{'Enabled' if active else 'Disabled'} {email}" + ("" if active else "; its sessions have ended."))


@staff_cli.command("disable")
@click.argument("email")
def staff_disable_command(email: str) -> None:
    """Disable an account: its sessions end at once."""
    _set_active(email, False)


@staff_cli.command("enable")
@click.argument("email")
def staff_enable_command(email: str) -> None:
    """Enable a disabled account again."""
    _set_active(email, True)


@staff_cli.command("reset-mfa")
@click.argument("email")
def staff_reset_mfa_command(email: str) -> None:
    """Forget an account's second factor and recovery codes (lost phone); it sets one up at its next login."""
    with get_db().transaction() as session:
        user = accounts.find_by_email(session, email)
        if user is None:
            raise click.ClickException(f"no account for {email}")
        mfa.reset(session, user)
        assert user.id is not None
        sessions.end_all(session, user.id, utcnow())
    click.echo(f"Second factor of {email} removed; its sessions have ended.")


@staff_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (no prompt).")
def staff_set_password_command(email: str, password_stdin: bool) -> None:
    """Give an account a new password (a forgotten one); its sessions end, its second factor stays."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with get_db().transaction() as session:
            user = accounts.find_by_email(session, email)
            if user is None:
                raise click.ClickException(f"no account for {email}")
            accounts.set_password(session, user, password, utcnow())
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"New password set for {email}; its sessions have ended.")


@staff_cli.command("end-sessions")
@click.argument("email", required=False)
@click.option("--all", "everyone", is_flag=True, help="Every account's sessions (e.g. after a suspected breach).")
def staff_end_sessions_command(email: str | None, everyone: bool) -> None:
    """Log one account (or with --all every account) out everywhere, without disabling anyone."""
    if bool(email) == everyone:
        raise click.UsageError("give an EMAIL or --all")
    now = utcnow()
    with get_db().transaction() as session:
        users = staff_accounts.all_staff(session) if everyone else [accounts.find_by_email(session, email or "")]
        if users == [None]:
            raise click.ClickException(f"no account for {email}")
        ended = sum(sessions.end_all(session, user.id, now) for user in users if user is not None and user.id)
    click.echo(f"Ended {ended} session(s).")


@staff_cli.command("list")
def staff_list_command() -> None:
    """List the accounts."""
    with get_db().transaction() as session:
        for user in staff_accounts.all_staff(session):
            state = "active" if user.active else "disabled"
            factor = "second factor" if user.totp_secret else "password only"
            click.echo(f"{user.email}\t{user.role}\t{state}\t{factor}\t{user.name}")


@staff_cli.command("demo")
@click.option("--url", default="http://127.0.0.1:5000/staff/", show_default=True, help="Where the dashboard is.")
@click.option("--code", "show_code", is_flag=True, help="Only print the demo account's current 6-digit code.")
def staff_demo_command(url: str, show_code: bool) -> None:
    """Create (or reset) the demo admin account and print how to log in, second factor included (debug only).

    Admins need a second factor, so the demo has one too: its key is printed to add to an authenticator
    app, and `flask staff demo --code` prints the current code for those without one.
    """
    if not current_app.debug:
        raise click.ClickException("the demo account exists only in debug (FLASK_DEBUG=1), never in production")
    now = utcnow()
    with get_db().transaction() as session:
        user = accounts.find_by_email(session, DEMO_EMAIL)
        if show_code:
            if user is None or not user.totp_secret:
                raise click.ClickException("no demo account yet: run `flask staff demo` first")
            click.echo(pyotp.TOTP(user.totp_secret).now())
            return
        if user is None:
            user = accounts.create_staff(session, DEMO_EMAIL, DEMO_PASSWORD, "admin", now, "Demo admin")
        else:
            accounts.set_password(session, user, DEMO_PASSWORD, now)
            accounts.set_active(session, user, True, now)
        if not user.totp_secret:  # kept across runs, so the authenticator app keeps working
            user.totp_secret = mfa.new_secret()
            session.add(user)
        secret = user.totp_secret
    click.echo(f"Staff dashboard: {url}  (log in as {DEMO_EMAIL} / {DEMO_PASSWORD})")
    click.echo(
        f"  second factor: add the key {secret} to an authenticator app ({mfa.provisioning_uri(secret, DEMO_EMAIL)})"
    )
    click.echo("  or get the current code with: FLASK_DEBUG=1 .venv/bin/flask --app wsgi staff demo --code")
    base = url.rstrip("/")
    click.echo(f"Phone preview (text the bot from a test number, see replies and their cost): {base}/preview/")
    click.echo(f"Content review (legal texts, sources, translations, flow diagrams): {base}/content/")


outbox_cli = AppGroup("outbox", help="Send queued texts and alerts.")


def on_local_stub(settings: Settings, fake: TwilioStub) -> Settings:
    """Debug only: start the local Twilio stand-in and point the settings at it (an account and a number if unset)."""
    if not current_app.debug:
        raise click.ClickException("--stub is for local development (FLASK_DEBUG=1) only")
    fake.start()
    return replace(
        settings,
        twilio_api_base=fake.url,
        twilio_account_sid=settings.twilio_account_sid or "AC" + "0" * 32,
        twilio_from_number=settings.twilio_from_number or "+13125550000",
    )


whatsapp_cli = AppGroup("whatsapp", help="WhatsApp's buttons and lists.")


@whatsapp_cli.command("buttons")
@click.option("--stub", is_flag=True, help="Debug only: make them on a local Twilio stand-in (to try the command).")
def whatsapp_buttons_command(stub: bool) -> None:
    """Make the button and list shapes WhatsApp replies use (Content API) and print WHATSAPP_BUTTONS to set.

    Shapes already in WHATSAPP_BUTTONS are kept; run it again after adding a shape to make only that one.
    """
    settings = settings_of(current_app)
    if stub:
        settings = on_local_stub(settings, TwilioStub())
    if not settings.twilio_account_sid:
        raise click.ClickException("Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: the shapes are made in your account.")
    sids = settings.whatsapp_button_sids()
    sender = TwilioSender(settings)
    for shape in SHAPES:
        if shape in sids:
            continue
        try:
            sids[shape] = sender.make_shape(shape)
        except Exception as exc:
            raise click.ClickException(f"Twilio did not make {shape}: {describe_exception(exc)}") from exc
        click.echo(f"made {shape}: {sids[shape]}", err=True)
    click.echo("Set this in the environment (Heroku: heroku config:set …), then restart:", err=True)
    click.echo("WHATSAPP_BUTTONS=" + ",".join(f"{shape}={sids[shape]}" for shape in SHAPES))


@outbox_cli.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, then stop (for tests and cron).")
@click.option(
    "--poll", default=1.0, show_default=True, help="Seconds to wait when nothing is due (WhatsApp buttons wait this)."
)
@click.option("--stub", is_flag=True, help="Debug only: send to a local Twilio stand-in that prints each text.")
def outbox_work_command(once: bool, poll: float, stub: bool) -> None:
    """Drain the outbox: texts to families and on-call alerts, with retries and backoff."""
    settings = settings_of(current_app)
    if stub:
        settings = on_local_stub(settings, TwilioStub(echo=True))
        click.echo(f"Texts go to a local Twilio stand-in at {settings.twilio_api_base} and are printed here.")
    db = get_db()
    worker = Worker(db, settings, TwilioSender(settings))
    click.echo("Outbox worker started." if not once else "Sending what is due.", err=True)

    hotline: Hotline = current_app.extensions["holdline.hotline"]
    log = logging.getLogger("holdline.outbox")

    def tick() -> None:
        """Before each pass: alert on critical reports, and answer what an outage left behind."""
        for step in (lambda: alerts.sweep(db, settings, utcnow()), lambda: recovery.replay(hotline)):
            try:
                step()
            except Exception as exc:  # one failing step must not stop the other, nor the texts
                log.error("worker step failed: %s", describe_exception(exc))

    try:
        worker.run(poll, once, tick=tick)
    except KeyboardInterrupt:
        pass


@outbox_cli.command("status")
def outbox_status_command() -> None:
    """Count the outbox's rows by kind and status, and say how long the oldest unsent one has waited."""
    with get_db().transaction() as session:
        rows = outbox_rows.counts(session)
        oldest = outbox_rows.oldest_waiting(session)
    for kind, status, count in rows:
        click.echo(f"{kind}\t{status}\t{count}")
    if oldest is None:
        click.echo("nothing waiting to be sent")
    else:
        click.echo(f"oldest waiting: {int((utcnow() - oldest).total_seconds())} s")


journal_cli = AppGroup("journal", help="Texts kept on disk while the database could not take them.")


@journal_cli.command("replay")
def journal_replay_command() -> None:
    """Feed journaled (and stored-but-unhandled) texts through the normal path; replies go through the outbox."""
    done = recovery.replay(current_app.extensions["holdline.hotline"])
    click.echo(f"replayed {done.journaled} journaled and {done.unhandled} unhandled text(s); {done.waiting} still wait")
    if done.waiting:
        raise SystemExit(1)


@journal_cli.command("status")
def journal_status_command() -> None:
    """Count the texts that wait: journaled, and stored but not handled."""
    waiting, unhandled = recovery.status(current_app.extensions["holdline.hotline"])
    click.echo(f"journaled, waiting: {waiting}")
    click.echo(f"stored, not handled: {'unknown (the database does not answer)' if unhandled is None else unhandled}")


keys_cli = AppGroup("keys", help="Manage the encryption keys of personal data at rest.")


@keys_cli.command("rotate")
@click.option("--batch", default=rotation.DEFAULT_BATCH, show_default=True, help="Rows per transaction.")
@click.option("--max-batches", type=int, default=None, help="Stop after this many batches (run again to go on).")
def keys_rotate_command(batch: int, max_batches: int | None) -> None:
    """Re-encrypt every value under the newest key of HOLDLINE_DATA_KEYS; resumable, prints counts."""
    started = time.monotonic()
    done = rotation.rotate(get_db(), batch=batch, max_batches=max_batches)
    for table, rows in done.rows.items():
        click.echo(f"{table}: {rows} rows read, {done.values[table]} values re-encrypted")
    seconds = time.monotonic() - started
    if done.finished:
        click.echo(f"Every value is under key {crypto.keyring().newest_id} ({seconds:.1f} s).")
        click.echo("Older keys may now be removed from HOLDLINE_DATA_KEYS (keep them until backups age out).")
    else:
        click.echo(f"Stopped after {max_batches} batches ({seconds:.1f} s): run it again to go on.")


@click.command("purge")
@click.option("--apply", "apply_", is_flag=True, help="Purge (without it: a dry run that only counts).")
@click.option("--batch", default=retention.DEFAULT_BATCH, show_default=True, help="Rows per transaction.")
@with_appcontext
def purge_command(apply_: bool, batch: int) -> None:
    """Purge old messages' words and long-closed reports' personal fields (RETAIN_*_DAYS); a dry run by default."""
    settings = settings_of(current_app)
    done = retention.purge(
        get_db(),
        utcnow(),
        messages_days=settings.retain_messages_days,
        closed_reports_days=settings.retain_closed_reports_days,
        apply=apply_,
        batch=batch,
    )
    verb = "purged" if apply_ else "would be purged"
    if done.messages_before is None:
        click.echo("messages: kept for ever (RETAIN_MESSAGES_DAYS=0)")
    else:
        days = settings.retain_messages_days
        click.echo(f"messages older than {days} days: {done.messages} {verb}")
        click.echo(f"Twilio copies (message records, media) to delete: {done.twilio_copies}")
        click.echo(f"conversation states idle over {days} days: {done.conversations} {verb}")
    if done.reports_closed_before is None:
        click.echo("closed reports: kept for ever (RETAIN_CLOSED_REPORTS_DAYS=0)")
    else:
        days = settings.retain_closed_reports_days
        click.echo(f"reports closed over {days} days ago: {done.reports} {verb}")
        click.echo(f"their audit trail entries emptied of words: {done.events}")
    if not apply_:
        click.echo("Dry run: nothing changed. Run with --apply to purge.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(keys_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(whatsapp_cli)
    app.cli.add_command(journal_cli)
    app.cli.add_command(flows_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(chat_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(translate_cli)
