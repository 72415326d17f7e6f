"""Simultaneous texts from one number over real HTTP: every text stored once, answered, in order."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from werkzeug.serving import make_server

from bot.sms.simulator import Reply, Simulator
from bot.storage.database import get_db
from bot.storage.models import Message
from tests.conftest import TEST_AUTH_TOKEN, make_app
from tests.helpers import conversation_state, count, inbound_messages

PAIRS = 50


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The app, with the per-number limit (tests/sms/test_limits.py) above the hundred texts sent here."""
    app = make_app(database_url, INBOUND_TEXTS_PER_HOUR=1000, REPLY_SEGMENTS_PER_DAY=10_000)
    yield app
    get_db(app).dispose()


@pytest.fixture
def server_url(app: Flask) -> Iterator[str]:
    """Serve the app over HTTP on a free loopback port, one thread per request."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_fifty_pairs_of_simultaneous_texts_are_all_stored_and_answered(server_url: str, db) -> None:
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, base_url=server_url, sender="+17735550142")
    replies: list[Reply] = []

    def send_pair(i: int) -> list[Reply]:
        barrier = threading.Barrier(2)

        def one(tag: str) -> Reply:
            form = phone.form(f"text {i}{tag}")
            barrier.wait()
            return phone.post(form)

        with ThreadPoolExecutor(max_workers=2) as both:
            return list(both.map(one, ["a", "b"]))

    for i in range(PAIRS):
        replies.extend(send_pair(i))

    assert [r.status for r in replies] == [200] * (2 * PAIRS)
    assert all(r.texts for r in replies), "every text gets an answer"
    stored = inbound_messages(db)
    assert sorted(m.body for m in stored) == sorted(f"text {i}{t}" for i in range(PAIRS) for t in "ab")
    assert {m.status for m in stored} == {"handled"}
    for message in stored:
        assert count(db, Message, Message.reply_to_id == message.id) >= 1
    # Had two texts run the engine at once, one update would have overwritten the other.
    assert conversation_state(db, phone.sender)["turns"] == 2 * PAIRS


def test_two_new_numbers_texting_at_once_each_get_one_contact(server_url: str, db) -> None:
    barrier = threading.Barrier(8)

    def first_text(n: int) -> Reply:
        phone = Simulator(auth_token=TEST_AUTH_TOKEN, base_url=server_url, sender=f"+1773555{n % 2:04d}")
        form = phone.form(f"hello {n}")
        barrier.wait()
        return phone.post(form)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(first_text, range(8)))
    assert [r.status for r in results] == [200] * 8
    from bot.storage.models import Contact

    assert count(db, Contact) == 2
    assert count(db, Message, Message.direction == "in") == 8
