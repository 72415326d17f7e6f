"""Run the conversation transcripts in tests/transcripts/ through the signed webhook.

Each transcript is a YAML file a lawyer can read: texts in, the replies expected, and what should be
stored. `pytest --update-transcripts` rewrites the replies from what the bot says now (review the
diff before committing it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from bot.sms.simulator import Simulator
from tests.conftest import TEST_AUTH_TOKEN, Clock
from tests.helpers import contact

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.yaml"))


def _literal_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, _literal_str)


def check_stored(app: Flask, sender: str, expected: dict[str, Any]) -> None:
    """Compare stored contact fields (opted_out, locale…) with what the transcript says."""
    found = contact(app.extensions["holdline.db"], sender)
    for key, value in expected.get("contact", {}).items():
        assert getattr(found, key) == value, f"stored contact.{key}"


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(path: Path, app: Flask, clock: Clock, request: pytest.FixtureRequest) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    update = request.config.getoption("--update-transcripts")
    phone = Simulator(auth_token=TEST_AUTH_TOKEN, app=app, sender=script.get("from", "+13125550123"))
    changed = False
    for number, step in enumerate(script["steps"], start=1):
        if "wait" in step:
            clock.advance(**step["wait"])
        if "send" in step:
            reply = phone.send(str(step["send"]))
            assert reply.status == 200, f"step {number}: HTTP {reply.status}"
            if update and step.get("replies") != reply.texts:
                step["replies"], changed = reply.texts, True
            assert reply.texts == step.get("replies", []), f"{path.name} step {number}: {step['send']!r}"
        if "stored" in step:
            check_stored(app, phone.sender, step["stored"])
    if changed:
        path.write_text(yaml.dump(script, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100))


def test_there_are_transcripts() -> None:
    assert len(TRANSCRIPTS) >= 4
