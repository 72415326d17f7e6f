"""The webhook on both databases, fed arbitrary bodies and malformed Twilio fields: never a 5xx, never a lost text."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.core.inbound import Inbound
from bot.core.text import from_raw_bytes
from bot.hotline import Hotline
from bot.sms.simulator import Simulator
from bot.storage.models import Message

ANY_CHARACTER = st.characters(exclude_categories=("Cs",))  # a form posted as UTF-8 cannot carry lone surrogates
BODIES = st.one_of(
    st.text(ANY_CHARACTER, max_size=80),
    st.lists(st.sampled_from(["\x00", "\x07", "\u202e", "😀", "%00", "&", "=", "<Response>", "yes", "2"])).map("".join),
    st.just(""),
    st.integers(1500, 10_000).map(lambda n: "x" * n),
)
FIELD_VALUES = st.one_of(st.none(), st.text(ANY_CHARACTER, max_size=12), st.sampled_from(["", "-1", "99", "STOP"]))
MALFORMED = st.fixed_dictionaries(
    {},
    optional={
        "NumMedia": FIELD_VALUES,
        "MediaUrl0": FIELD_VALUES,
        "MediaContentType0": FIELD_VALUES,
        "OptOutType": FIELD_VALUES,
        "FromState": FIELD_VALUES,
        "MessageSid": st.one_of(st.just(""), st.text(ANY_CHARACTER, max_size=70)),
        "From": st.one_of(st.just(""), st.text(ANY_CHARACTER, max_size=20), st.just("whatsapp:+13125550100")),
    },
)
RELAXED = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def stored(db, sid: str) -> Message | None:
    with db.transaction() as session:
        return session.execute(select(Message).where(Message.sid == sid)).scalar_one_or_none()


def exact(message: Message) -> str:
    """The text exactly as it came in."""
    return from_raw_bytes(message.raw_body) if message.raw_body is not None else message.body


@RELAXED
@given(body=BODIES, fields=MALFORMED)
def test_any_signed_text_is_answered_without_a_5xx_and_kept_exactly(app, db, body: str, fields: dict) -> None:
    phone = Simulator(
        auth_token="test-twilio-auth-token-0123456789", app=app, sender=f"+1312555{uuid.uuid4().int % 10_000:04d}"
    )
    form = phone.form(body)
    form.update({key: value for key, value in fields.items() if value is not None})
    sid, sender = form.get("MessageSid", "").strip(), form.get("From", "").strip()
    well_formed = sid and sender and len(sid) <= 64 and len(sender) <= 64 and (sid + sender).isascii()
    well_formed = bool(well_formed and sid.isprintable() and sender.isprintable())
    before = stored(db, sid) if well_formed else None  # a MessageSid drawn twice: the first text stays
    expected = body if before is None else exact(before)
    reply = phone.post(form)
    assert reply.status in (200, 400), reply.status
    assert (reply.status == 200) == well_formed
    if reply.status == 200:
        kept = stored(db, sid)
        assert kept is not None and kept.status in ("handled", "failed", "limited")
        assert exact(kept) == expected


@RELAXED
@given(body=st.text(st.characters(exclude_categories=()), max_size=200))
def test_any_text_including_lone_surrogates_is_stored_exactly(hotline: Hotline, db, body: str) -> None:
    sid = "SM" + uuid.uuid4().hex
    hotline.receive(Inbound(sid, "+13125550190", "sms", body))
    kept = stored(db, sid)
    assert kept is not None and kept.status in ("handled", "failed", "limited")
    assert exact(kept) == body
