"""Run a call with a deadline, so a frozen dependency cannot hold a webhook past what Twilio waits."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

T = TypeVar("T")

# Calls that outlive their deadline keep a thread until the dependency answers; the pool bounds how
# many, and a call queued behind them times out like any other.
_pool = ThreadPoolExecutor(max_workers=32, thread_name_prefix="deadline")


class Late(TimeoutError):
    """The call did not finish within its deadline (it may still finish later, abandoned)."""


def call_within(seconds: float, work: Callable[[threading.Event], T]) -> T:
    """Return work(abandoned) if it finishes within `seconds`; raise Late otherwise.

    `abandoned` is set when the caller stops waiting, so late work can change how it delivers its
    result (the outbox instead of the HTTP answer) or not start at all.
    """
    abandoned = threading.Event()
    context = contextvars.copy_context()  # log fields (request id, MessageSid) follow the work
    future = _pool.submit(context.run, work, abandoned)
    try:
        return future.result(timeout=seconds)
    except FutureTimeout:
        abandoned.set()
        future.cancel()
        raise Late(f"no result within {seconds} s") from None
