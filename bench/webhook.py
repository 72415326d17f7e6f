"""Benchmark: how much a signed text through POST /sms costs, as a ratio to a bare Flask request.

Run: `FLASK_DEBUG=1 .venv/bin/python bench/webhook.py [--texts 300] [--database-url URL]`.
Both numbers are measured in the same run on the same machine, so the ratio travels between
machines where the milliseconds do not. The target: a text costs under 60x a bare request
(it stores the text, locks the sender, runs the engine, stores replies, in two transactions).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import create_app  # noqa: E402
from bot.sms.simulator import Simulator  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402

TOKEN = "bench-token"
TARGET_RATIO = 60.0
CONVERSATION = (
    "hi", "2", "Juan Perez", "3/4/1990", "1", "Cook County Jail", "Chicago", "IL", "skip", "yesterday 3pm",
    "1", "yes", "yes", "no", "skip", "skip", "Maria", "sister", "same", "yes", "yes",
)  # fmt: skip


def timed(call, repeat: int) -> list[float]:  # noqa: ANN001
    """Return the seconds each call took."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # one log line per text would dominate the timing
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        app = create_app({"TESTING": True, "DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN})
        client = app.test_client()
        baseline = timed(lambda: client.get("/healthz"), args.texts)
        phones = [Simulator(auth_token=TOKEN, app=app, sender=f"+1312555{n:04d}") for n in range(args.texts)]
        texts = iter(
            (phone, CONVERSATION[i % len(CONVERSATION)])
            for i in range(args.texts)
            for phone in [phones[i // len(CONVERSATION)]]
        )
        webhook = timed(lambda: _send(*next(texts)), args.texts)
    base, text = statistics.median(baseline), statistics.median(webhook)
    ratio = text / base
    print(f"bare request: median {base * 1000:.2f} ms over {len(baseline)}")
    p95 = sorted(webhook)[int(len(webhook) * 0.95)]
    print(f"signed text:  median {text * 1000:.2f} ms over {len(webhook)} (p95 {p95 * 1000:.2f} ms)")
    print(f"ratio: {ratio:.1f}x (target under {TARGET_RATIO:.0f}x): {'OK' if ratio < TARGET_RATIO else 'TOO SLOW'}")


def _send(phone: Simulator, body: str) -> None:
    reply = phone.send(body)
    if reply.status != 200:
        raise SystemExit(f"webhook answered {reply.status}")


if __name__ == "__main__":
    main()
