"""Answer what an outage left behind: journaled texts, and stored texts never handled, through the normal path.

Run by `flask journal replay` and by the outbox worker before each pass. Each text goes through
Hotline.receive exactly once (its MessageSid is unique in the database; a replayed one that is
already handled changes nothing), each sender's texts in the order they arrived, and the replies
are texted through the outbox. A sender whose text fails (the database went away again) waits for
the next pass, so none of their later texts overtakes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.core.logsafe import describe_exception
from bot.hotline import Hotline
from bot.storage import conversations
from bot.storage.database import UNAVAILABLE

log = logging.getLogger("holdline.recovery")

# A stored text still `received` this long after it arrived was left behind (a webhook in flight is faster).
UNHANDLED_AFTER = timedelta(seconds=60)
BATCH = 200


@dataclass
class Replayed:
    """What one pass did."""

    journaled: int = 0
    unhandled: int = 0
    waiting: int = 0  # journaled texts left for the next pass


def replay(hotline: Hotline) -> Replayed:
    """Feed stored-but-unhandled texts, then journaled ones, through the normal path; database errors wait."""
    done = Replayed()
    journal = hotline.journal
    with journal.replaying() as mine:
        if not mine:  # another process is replaying now
            done.waiting = len(journal.waiting())
            return done
        done.unhandled, stuck = _unhandled(hotline)  # they arrived before anything now in the journal
        for entry in journal.waiting():
            inbound = entry.inbound
            if inbound.address in stuck:
                done.waiting += 1
                continue
            try:
                hotline.receive(inbound, later=lambda: True)
            except Exception as exc:  # the database went away again (or a bug): this sender waits
                log.warning("replaying message %s must wait: %s", inbound.sid, describe_exception(exc))
                stuck.add(inbound.address)
                done.waiting += 1
                continue
            journal.mark_replayed(inbound.sid)
            done.journaled += 1
        if not done.waiting:
            journal.compact()
    if done.journaled or done.unhandled:
        log.info("replayed %d journaled and %d unhandled message(s)", done.journaled, done.unhandled)
    return done


def _unhandled(hotline: Hotline) -> tuple[int, set[str]]:
    """Handle stored texts left `received`; return how many, and the senders whose texts must wait."""
    try:
        with hotline.db.transaction() as session:
            left = conversations.unhandled_inbound(session, hotline.clock() - UNHANDLED_AFTER, BATCH)
    except UNAVAILABLE as exc:
        log.warning("could not look for unhandled messages: %s", describe_exception(exc))
        return 0, {entry.inbound.address for entry in hotline.journal.waiting()}
    handled, stuck = 0, set()
    for inbound in left:
        if inbound.address in stuck:
            continue
        try:
            hotline.receive(inbound, later=lambda: True)
            handled += 1
        except Exception as exc:
            log.warning("unhandled message %s must wait: %s", inbound.sid, describe_exception(exc))
            stuck.add(inbound.address)
    return handled, stuck


def status(hotline: Hotline) -> tuple[int, int | None]:
    """(journaled texts waiting, stored texts unhandled or None when the database does not answer)."""
    waiting = len(hotline.journal.waiting())
    try:
        with hotline.db.transaction() as session:
            return waiting, conversations.count_unhandled(session)
    except UNAVAILABLE:
        return waiting, None
