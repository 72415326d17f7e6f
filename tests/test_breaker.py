"""The circuit breaker in front of the database: rest after a failure, then one probe at a time."""

from __future__ import annotations

from bot.core.breaker import Breaker


def test_after_a_failure_callers_rest_then_one_probes_while_the_others_still_rest() -> None:
    now = [100.0]
    breaker = Breaker(rest_seconds=3, probe_seconds=7, clock=lambda: now[0])
    assert not breaker.resting()  # healthy: everyone tries
    breaker.failed()
    assert breaker.resting()
    now[0] += 3
    assert not breaker.resting()  # the probe
    assert breaker.resting()  # the others wait for what the probe learns
    now[0] += 7
    assert not breaker.resting()  # the probe never came back: another one
    breaker.answered()
    assert not breaker.resting() and not breaker.resting()
