"""The stack's periodic jobs. Each takes the round's `now`; each claims its work in the
database so that several schedulers never do it twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk import privacy, reminders, retention
from bot.handoff.labels import domain_labels
from bot.handoff.mail import mail_client
from bot.scheduler.runner import Job
from bot.settings import Settings

log = logging.getLogger(__name__)
Sessionmaker = async_sessionmaker[AsyncSession]


async def send_reminders(
    sm: Sessionmaker, settings: Settings, now: datetime, labels: dict[str, Any] | None = None
) -> int:
    """The reminder mail of every booking due (bot.desk.reminders); returns how many went out."""
    labels = domain_labels() if labels is None else labels
    async with sm() as session:
        due = await reminders.due_bookings(session, now)
    sent = 0
    for booking_id in due:
        async with sm() as session, session.begin():
            confirmation = await reminders.claim(session, booking_id, now)
        if confirmation is None:
            continue  # another scheduler has it, or it was cancelled meanwhile
        delivered = await mail_client(settings, "reminder", confirmation, labels)
        async with sm() as session, session.begin():
            if delivered:
                await reminders.mark_sent(session, booking_id, confirmation.start, now)
            else:
                await reminders.release(session, booking_id, now)
        if delivered:
            sent += 1
            log.info("reminder sent", extra={"reference": confirmation.reference})
    return sent


async def purge_daily(sm: Sessionmaker, settings: Settings, now: datetime) -> dict | None:
    """The retention purge (bot.desk.privacy), once a day across all schedulers."""
    async with sm() as session, session.begin():
        if not await retention.claim_day(session, now):
            return None
    return await privacy.purge(sm, privacy.stores_of(settings),
                               retention.Retention.parse(settings.retention_days), now)


def stack_jobs(sm: Sessionmaker, settings: Settings) -> list[Job]:
    """What `python -m bot.scheduler` runs (add a Job here for a new periodic task)."""
    return [
        Job("reminders", timedelta(seconds=settings.scheduler_poll_seconds),
            lambda now: send_reminders(sm, settings, now)),
        # Tried hourly; the first try of each UTC day purges (claim_day). A purge that failed
        # halfway is finished by the next day's (each step finds what is still due).
        Job("purge", timedelta(hours=1), lambda now: purge_daily(sm, settings, now)),
    ]
