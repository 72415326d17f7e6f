"""Alert the on-call people when a report becomes critical: the reference and a link, nothing personal.

`sweep` runs in the outbox worker before each pass. It re-assesses open reports whose urgency moves
with time (hours past release grow, a release comes due, a recent ICE arrest counts less each day),
then queues one alert per on-call recipient (ALERT_RECIPIENTS: numbers and emails) for each open
critical report not yet alerted.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo

from sqlmodel import Session

from bot import outbox
from bot.config import Settings
from bot.reports.urgency import RECENT_ARREST_WINDOW, SOON_HOURS, Facts, assess
from bot.storage import casework, outbox_rows
from bot.storage.database import Database
from bot.storage.models import Report

log = logging.getLogger("holdline.alerts")

# The rules stop changing 48 hours after the release time (the points for hours past are capped), start
# changing 24 hours before it (a release due soon with ICE mentioned), and a street arrest counts for 3 days.
RESCORE_WINDOW = timedelta(hours=50)
RESCORE_AHEAD = timedelta(hours=SOON_HOURS)
BATCH = 200


def recipients(settings: Settings) -> list[str]:
    """Return the on-call numbers and emails from ALERT_RECIPIENTS."""
    return list(settings.alert_recipients)


def alert_text(ref: str, settings: Settings) -> str:
    """Return the alert: the organisation, the reference and a link (no names, numbers or places)."""
    link = f"{settings.public_base_url}/staff/reports/{ref}"
    return f"{settings.org_name}: critical report {ref}. {link}"


def facts_of(report: Report) -> Facts:
    """Return what the urgency rules look at, read from a stored report."""
    values = {name: getattr(report, name) for name in Facts.__dataclass_fields__}
    return Facts(**{name: value for name, value in values.items() if value is not None})


def rescore(session: Session, now: datetime, zone: tzinfo) -> int:
    """Re-assess open reports whose urgency may have moved; return how many changed."""
    changed = 0
    since = (now.astimezone(zone) - RECENT_ARREST_WINDOW - timedelta(days=1)).date().isoformat()
    candidates = casework.urgency_may_change(
        session, now, past=RESCORE_WINDOW, ahead=RESCORE_AHEAD, arrested_since=since
    )
    for report in candidates:
        assessment = assess(facts_of(report), now, zone)
        if assessment.score == report.urgency_score:
            continue
        if assessment.level != report.urgency:
            detail = {"from": report.urgency, "to": assessment.level, "score": assessment.score}
            casework.add_report_event(session, report, None, "urgency", now, detail)
        report.urgency = assessment.level
        report.urgency_score = assessment.score
        report.urgency_reasons = [reason.to_dict() for reason in assessment.reasons]
        session.add(report)
        changed += 1
    return changed


def queue_alerts(session: Session, settings: Settings, now: datetime) -> int:
    """Queue alerts for open critical reports not alerted yet; return how many reports were alerted."""
    people = recipients(settings)
    if not people:
        return 0
    budget = settings.alerts_per_hour - casework.alerts_since(session, now - timedelta(hours=1))
    count, waiting = 0, []
    for report in casework.critical_not_alerted(session, BATCH):
        assert report.id is not None
        if count >= budget:  # capped: these wait for the next hour, and the digest says how many
            waiting.append(report.id)
            continue
        text = alert_text(report.ref, settings)
        queued = [
            outbox_rows.enqueue_alert(session, to, text, report.id, outbox.dedupe_key("alert", report.id, to), now)
            for to in people
        ]
        if any(queued):
            casework.add_report_event(session, report, None, "alert", now, {"recipients": len(people)})
            count += 1
            log.info("report %s is critical: alert queued for %d recipient(s)", report.ref, len(people))
    if waiting:
        queue_digest(session, settings, people, waiting, now)
    return count


def digest_text(waiting: int, settings: Settings) -> str:
    """Return the digest: how many critical reports wait beyond the hourly cap, and the queue's link."""
    return (
        f"{settings.org_name}: {waiting} more critical report(s) not alerted one by one"
        f" (cap {settings.alerts_per_hour} an hour). {settings.public_base_url}/staff/"
    )


def queue_digest(session: Session, settings: Settings, people: list[str], waiting: list[int], now: datetime) -> None:
    """Queue one digest per recipient per hour for the critical reports held back by ALERTS_PER_HOUR."""
    hour = now.strftime("%Y-%m-%dT%H")
    text = digest_text(len(waiting), settings)
    for to in people:
        key = outbox.dedupe_key("digest", hour, to)
        if outbox_rows.enqueue_alert(session, to, text, waiting[0], key, now):
            log.warning("alerts capped: a digest of %d critical report(s) queued", len(waiting))


def sweep(db: Database, settings: Settings, now: datetime) -> tuple[int, int]:
    """Re-assess and alert in one transaction; return (reports re-assessed, reports alerted)."""
    with db.transaction() as session:
        changed = rescore(session, now, settings.zone)
        alerted = queue_alerts(session, settings, now)
    return changed, alerted
