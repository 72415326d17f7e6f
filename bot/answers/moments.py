"""Read a moment ('yesterday 3pm', 'last night', 'ayer a las 3', 'wczoraj o 15') in the hotline's time zone.

The clock time and parts of the day ('this morning', 'anoche') are read here, the day by the date
parser, and the two are joined in the hotline's zone, so the offset is right on either side of a
daylight-saving change. dateparser alone ignores 'at 8' and 'a las 3' and reads 'at 8' as August.
A time without a day is the latest one not after now ('8pm' said at 9am is yesterday's); a part of
the day without a day is today's. An hour of 1-11 without am/pm is the latest reading not after now
when the day is today or not said, else 1-6 is afternoon and 7-11 morning ('ayer a las 3' is 15:00,
'Nov 25 at 8' is 08:00), and read back for a YES. The day follows the date parser's `prefer` option.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from dateparser.date import DateDataParser

from bot.answers.base import ParseContext, Parsed, fail
from bot.answers.clock import BadClock, Clock, read_clock, rest_readings, take_approximately, trim_edges
from bot.answers.dates import clean, dateparser_languages, local_now, read_day, translate
from bot.answers.day_parts import read_part

AFTERNOON_UNTIL = 6  # without am/pm, 'at 3' on another day is 15:00 and 'at 8' is 08:00


# Parts of the day (locales/date_words.yaml) a 12 ends: 'a las 12 de la noche' is the midnight after.
NIGHTS = frozenset({"night", "last_night", "night_before_last"})


def _relative_time(said: str, ctx: ParseContext, now: datetime) -> datetime | None:
    """Read 'now', '2 hours ago', 'hace 2 horas' with dateparser; None when the text is not a time."""
    parser = DateDataParser(
        languages=list(dateparser_languages(ctx.locale)),
        settings={"RELATIVE_BASE": now.replace(tzinfo=None), "RETURN_TIME_AS_PERIOD": True},
    )
    data = parser.get_date_data(translate(said, ctx.locale))
    if data.date_obj is None or data.period != "time" or data.date_obj.tzinfo is not None:
        return None
    # Move the real 'now' by the difference in UTC (aware arithmetic in one zone is wall-clock arithmetic),
    # so two hours ago is two real hours ago across a clock change.
    moved = now.astimezone(UTC) + (data.date_obj - now.replace(tzinfo=None))
    return moved.astimezone(now.tzinfo)


def _at(day: date, hour: int, minute: int, now: datetime) -> datetime:
    """Join a day and a clock time in the hotline's zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=now.tzinfo)


def _settle_hour(clock: Clock, day: date | None, now: datetime) -> datetime:
    """Pick the day (when not said) and am/pm (when not settled) for a clock time, as the module says."""
    today = now.date()
    if day is not None and day != today and not clock.settled:
        hour = clock.hour + 12 if clock.hour <= AFTERNOON_UNTIL else clock.hour
        return _at(day, hour, clock.minute, now)
    days = [day] if day is not None else [today, today - timedelta(days=1)]
    hours = [clock.hour] if clock.settled else [clock.hour, clock.hour + 12]
    moments = sorted(_at(d, h, clock.minute, now) for d in days for h in hours)
    past = [moment for moment in moments if moment <= now]
    return past[-1] if past else moments[0]


def _value(at: datetime, now: datetime, *, date_only: bool, approximate: bool) -> Parsed:
    """Return the stored form of a moment."""
    at = at.replace(second=0, microsecond=0) if not date_only else at
    future = at.date() > now.date() if date_only else at > now
    return Parsed(
        ok=True,
        value={"at": at.isoformat(), "date_only": date_only, "approximate": approximate, "future": future},
    )


def parse_datetime(text: str, ctx: ParseContext) -> Parsed:
    """Read a moment as {"at": ISO 8601 with the hotline's offset, "date_only", "approximate", "future"}."""
    if ctx.options.get("dont_know") and ctx.says("dont_know", text):
        return Parsed(ok=True, value="unknown")
    now = local_now(ctx)
    said = clean(text)
    if not said:
        return fail()
    try:
        clock, rest = read_clock(said)
    except BadClock:
        return fail()
    part, rest = read_part(rest)
    roughly, rest = take_approximately(rest) if clock is not None or part is not None else (False, rest)

    if clock is None and part is None:
        moment = _relative_time(said, ctx, now)
        if moment is not None:
            return _value(moment, now, date_only=False, approximate=False)
        day = read_day(said, ctx, now)
        if day is None:
            return fail()
        return _value(_at(day.value, 0, 0, now), now, date_only=True, approximate=False)

    day_read = next(filter(None, (read_day(text, ctx, now) for text in rest_readings(rest))), None)
    if rest and trim_edges(rest) and day_read is None:
        moment = _relative_time(said, ctx, now)  # 'il y a 2 heures': no clock time after all
        if moment is not None:
            return _value(moment, now, date_only=False, approximate=False)
        return fail()
    day = day_read.value if day_read else None
    if roughly and clock is not None:
        clock = replace(clock, approximate=True)
    if day is None and part is not None and part.days_back:
        day = now.date() - timedelta(days=part.days_back)

    if clock is not None:
        if not clock.settled and part is not None:
            clock = Clock(clock.hour + 12 if part.pm else clock.hour, clock.minute, True, clock.approximate)
        elif clock.hour == 12 and part is not None and part.name in NIGHTS:
            # '12 at night', 'a las 12 de la noche': the midnight that ends that day.
            clock = Clock(0, clock.minute, True, clock.approximate)
            day = day + timedelta(days=1) if day is not None else None
        at = _settle_hour(clock, day, now)
        parsed = _value(at, now, date_only=False, approximate=clock.approximate)
        # 'yesterday at 8' without am/pm: the likelier half of the day, read back to be sure.
        return parsed if clock.settled else replace(parsed, confirm="confirm_time")

    assert part is not None
    day = day or now.date()
    at = _at(day, part.hour, 0, now)
    if day == now.date() and not part.exact and part.starts <= now.hour < part.hour:
        at = now  # 'this morning', said at 7:30, is no later than 7:30
    return _value(at, now, date_only=False, approximate=roughly or not part.exact)
