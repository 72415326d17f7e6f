"""When the database fails: the text is journaled, the texter told the truth, and the replay answers it once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from bot import recovery
from bot.core.segments import SEGMENT_BUDGET, count_segments
from bot.hotline import Hotline
from bot.sms.simulator import Simulator
from bot.storage import conversations
from bot.storage.crypto import blind_index
from bot.storage.models import Message, Outbox
from tests.conftest import TEST_AUTH_TOKEN, make_app
from tests.helpers import count, inbound_messages
from tests.sms.outage import database_down, silent_server

SPANISH_LATER = "Recibimos su mensaje y le responderemos por texto en breve."
ENGLISH_LATER = "We received your message and will answer you by text shortly."


def queued_replies(db, address: str) -> list[tuple[str, str]]:
    """(text answered, reply) for every reply queued in the outbox for a number, in queueing order."""
    with db.transaction() as session:
        contact = session.execute(
            select(conversations.Contact).where(conversations.Contact.address_index == blind_index(address))
        )
        contact_id = contact.scalar_one().id
        rows = session.execute(
            select(Message.reply_to_id, Message.body)
            .join(Outbox, Outbox.message_id == Message.id)
            .where(Message.contact_id == contact_id, Message.direction == "out")
            .order_by(Outbox.id)
        ).all()
        asked = {m.id: m.body for m in session.execute(select(Message).where(Message.direction == "in")).scalars()}
    return [(asked[reply_to], body) for reply_to, body in rows]


def test_a_text_sent_while_the_database_is_down_is_journaled_answered_honestly_and_replayed_once(
    app: Flask, hotline: Hotline, db, texter: Simulator, tmp_path: Path
) -> None:
    with database_down(db, str(tmp_path)):
        reply = texter.send("hola, necesito ayuda con mi hermano")
        assert reply.status == 200
        assert reply.texts == [SPANISH_LATER]  # the text says its language; no promise the database kept it
        assert len(hotline.journal.waiting()) == 1
        on_disk = b"".join(path.read_bytes() for path in Path(hotline.journal.directory).glob("*.jsonl"))
        assert b"necesito ayuda" not in on_disk and texter.sender.lstrip("+").encode() not in on_disk  # encrypted
        assert recovery.replay(hotline).waiting == 1  # still down: it waits, nothing is lost
    assert count(db, Message) == 0
    done = recovery.replay(hotline)
    assert (done.journaled, done.waiting) == (1, 0)
    (stored,) = inbound_messages(db)
    assert stored.body == "hola, necesito ayuda con mi hermano" and stored.status == "handled"
    replies = queued_replies(db, texter.sender)
    assert replies and replies[0][1].startswith("Le damos la bienvenida")  # Spanish welcome, texted through the outbox
    assert hotline.journal.waiting() == [] and not hotline.journal.has_entries()  # compacted
    assert recovery.replay(hotline).journaled == 0
    assert queued_replies(db, texter.sender) == replies  # exactly once


def test_a_senders_journaled_texts_are_replayed_in_arrival_order_and_new_ones_queue_behind(
    app: Flask, hotline: Hotline, db, texter: Simulator, tmp_path: Path
) -> None:
    with database_down(db, str(tmp_path)):
        for body in ("hello", "2", "menu"):
            reply = texter.send(body)
            assert reply.status == 200 and len(reply.texts) == 1 and "received" in reply.texts[0]
    # The database is back, but the journal is not replayed yet: a new text waits behind the others.
    late = texter.send("1")
    assert late.status == 200 and len(late.texts) == 1
    assert len(hotline.journal.waiting()) == 4
    assert recovery.replay(hotline).journaled == 4
    answered = [asked for asked, _reply in queued_replies(db, texter.sender)]
    assert [a for i, a in enumerate(answered) if i == 0 or answered[i - 1] != a] == ["hello", "2", "menu", "1"]
    assert [m.body for m in inbound_messages(db)] == ["hello", "2", "menu", "1"]


def test_an_unknown_language_gets_one_short_text_in_several_languages(
    hotline: Hotline, db, texter: Simulator, tmp_path: Path
) -> None:
    with database_down(db, str(tmp_path)):
        (said,) = texter.send("?").texts
    lines = said.split("\n")
    assert lines[0] == "Message received, we will answer soon."
    assert "Mensaje recibido, responderemos pronto." in lines and len(lines) >= 3
    assert count_segments(said) <= SEGMENT_BUDGET


def test_a_frozen_database_is_answered_within_the_deadline_and_journaled(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url)
    hotline: Hotline = app.extensions["holdline.hotline"]
    hotline.deadline_seconds = 1.0
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+13125550177")
    other = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+13125550178")
    with silent_server() as port, database_down(hotline.db, str(tmp_path), frozen_port=port):
        started = time.monotonic()
        reply = phone.send("hello")
        assert time.monotonic() - started < 3
        started = time.monotonic()
        others = [other.send(body) for body in ("hi", "2", "menu")]  # no wait: the database just failed
        assert time.monotonic() - started < 1
    assert reply.status == 200 and len(reply.texts) == 1
    assert all(r.status == 200 and "received" in r.texts[0] for r in others)
    assert [e.inbound.body for e in hotline.journal.waiting()] == ["hello", "hi", "2", "menu"]
    assert recovery.replay(hotline).journaled == 4
    assert [m.status for m in inbound_messages(hotline.db)] == ["handled"] * 4
    hotline.db.dispose()


def test_the_fallback_url_journals_too_and_never_promises_what_is_not_true(
    app: Flask, hotline: Hotline, db, texter: Simulator, tmp_path: Path
) -> None:
    with database_down(db, str(tmp_path)):
        reply = texter.post(texter.form("hello"), path="/sms/fallback")
    assert reply.status == 200 and reply.texts == [ENGLISH_LATER]
    assert "saved" not in reply.texts[0]
    assert len(hotline.journal.waiting()) == 1


def test_when_even_the_journal_cannot_keep_it_the_texter_is_asked_to_send_again(
    database_url: str, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    app = make_app(database_url, JOURNAL_DIR=str(blocked))
    hotline: Hotline = app.extensions["holdline.hotline"]
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app)
    with database_down(hotline.db, str(tmp_path)):
        reply = phone.send("hello")
    assert reply.status == 200
    assert reply.texts[0].startswith("Sorry, we could not receive your message. Please send it again")
    hotline.db.dispose()


def test_a_text_stored_but_left_unhandled_is_picked_up_by_the_replay(
    app: Flask, hotline: Hotline, db, texter: Simulator
) -> None:
    from bot.core.inbound import Inbound

    with db.transaction() as session:  # what a web process that died after storing the text leaves
        contact = conversations.upsert_contact(session, texter.sender, "sms")
        conversations.record_inbound(session, contact.id, Inbound("SM" + "7" * 32, texter.sender, "sms", "hello"))
    assert recovery.status(hotline) == (0, 1)
    assert recovery.replay(hotline).unhandled == 0  # too fresh: a webhook may still be on it
    hotline.clock = lambda: conversations.utcnow() + recovery.UNHANDLED_AFTER * 2
    assert recovery.replay(hotline).unhandled == 1
    assert [m.status for m in inbound_messages(db)] == ["handled"]
    assert queued_replies(db, texter.sender)[0][1].startswith("Welcome")
    assert recovery.replay(hotline).unhandled == 0


@pytest.mark.postgres
def test_a_lock_that_is_not_released_journals_the_text_within_the_lock_timeout(postgres_url: str) -> None:
    from tests.conftest import TABLES

    app = make_app(postgres_url)
    hotline: Hotline = app.extensions["holdline.hotline"]
    db = hotline.db
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender="+13125550166")
    assert phone.send("hello").status == 200
    with db.engine.connect() as holder:  # another process holds this sender's row lock and hangs
        holder.execute(text("BEGIN"))
        holder.execute(text("SELECT id FROM contact FOR UPDATE"))
        started = time.monotonic()
        reply = phone.send("menu")
        assert time.monotonic() - started < 8
        holder.execute(text("ROLLBACK"))
    assert reply.texts == [ENGLISH_LATER]
    assert [m.body for m in inbound_messages(db)] == ["hello"]  # the insert waited on the same lock: journaled
    assert recovery.replay(hotline).journaled == 1
    assert [m.status for m in inbound_messages(db)] == ["handled", "handled"]
    db.dispose()


def test_journal_status_and_replay_commands(app: Flask, hotline: Hotline, db, texter: Simulator, tmp_path) -> None:
    with database_down(db, str(tmp_path)):
        texter.send("hello")
        texter.send("menu")
        runner = app.test_cli_runner()
        status = runner.invoke(args=["journal", "status"])
        assert "journaled, waiting: 2" in status.output and "unknown" in status.output
        assert runner.invoke(args=["journal", "replay"]).exit_code == 1
    result = runner.invoke(args=["journal", "replay"])
    assert result.exit_code == 0 and "replayed 2 journaled" in result.output
    assert "journaled, waiting: 0" in runner.invoke(args=["journal", "status"]).output


def test_healthz_names_the_part_that_is_down(app: Flask, db, tmp_path: Path) -> None:
    client = app.test_client()
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json["database"] == "ok"
    with database_down(db, str(tmp_path)):
        down = client.get("/healthz")
    assert down.status_code == 503 and down.json["status"] == "degraded"
    assert down.json["database"].startswith("down")


def test_healthz_answers_quickly_when_the_database_is_frozen(app: Flask, db, tmp_path: Path) -> None:
    with silent_server() as port, database_down(db, str(tmp_path), frozen_port=port):
        started = time.monotonic()
        frozen = app.test_client().get("/healthz")
        assert time.monotonic() - started < 3
    assert frozen.status_code == 503 and frozen.json["database"] == "timeout"


def test_work_that_finishes_after_the_webhook_stopped_waiting_texts_its_replies_once(
    app: Flask, hotline: Hotline, db, texter: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.engine import runner

    real_handle = runner.handle

    def slow_handle(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        time.sleep(1.5)  # the database (or the machine) is slow: the webhook gives up first
        return real_handle(*args, **kwargs)

    monkeypatch.setattr(runner, "handle", slow_handle)
    hotline.deadline_seconds = 0.5
    reply = texter.send("hello")
    assert reply.texts == [ENGLISH_LATER]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [m.status for m in inbound_messages(db)] != ["handled"]:
        time.sleep(0.1)
    replies = queued_replies(db, texter.sender)
    assert replies and replies[0][1].startswith("Welcome")  # the late work texted its replies...
    assert count(db, Message, Message.status == "replied") == 0  # ...instead of answering a request no one awaits
    monkeypatch.setattr(runner, "handle", real_handle)
    assert recovery.replay(hotline).journaled == 1
    assert queued_replies(db, texter.sender) == replies  # the journaled copy changed nothing: once
