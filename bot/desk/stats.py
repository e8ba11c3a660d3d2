"""Dashboard figures: hand-offs (tickets) per week by topic and by language, status counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Booking, ConsultationSlot, Ticket
from bot.desk.slots import with_booking


@dataclass(frozen=True)
class WeeklyCounts:
    weeks: list[date]  # Mondays, oldest first
    series: dict[str, list[int]]  # key (topic or language) → count per week


def week_start(moment: datetime, zone: ZoneInfo) -> date:
    local = moment.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


async def handoffs_per_week(
    session: AsyncSession, now: datetime, zone: ZoneInfo, weeks: int = 12
) -> tuple[WeeklyCounts, WeeklyCounts]:
    """(by topic, by language) for the last `weeks` weeks including the current one."""
    this_week = week_start(now, zone)
    mondays = [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    since = datetime.combine(mondays[0], datetime.min.time(), zone)
    rows = await session.execute(
        select(Ticket.created_at, Ticket.topic, Ticket.language).where(Ticket.created_at >= since)
    )
    index = {monday: i for i, monday in enumerate(mondays)}
    by_topic: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    by_language: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    for created_at, topic, language in rows:
        slot = index.get(week_start(created_at, zone))
        if slot is None:
            continue
        by_topic[topic or ""][slot] += 1
        by_language[language or ""][slot] += 1
    return (
        WeeklyCounts(mondays, dict(sorted(by_topic.items(), key=lambda kv: -sum(kv[1])))),
        WeeklyCounts(mondays, dict(sorted(by_language.items()))),
    )


async def status_counts(session: AsyncSession) -> Counter:
    rows = await session.execute(select(Ticket.status, func.count()).group_by(Ticket.status))
    return Counter(dict(rows.all()))


async def slot_counts(session: AsyncSession, now: datetime) -> tuple[int, int]:
    """(booked, free) upcoming slots."""
    rows = await session.execute(
        with_booking(select(Booking.id.is_not(None), func.count()).select_from(ConsultationSlot))
        .where(ConsultationSlot.start > now)
        .group_by(Booking.id.is_not(None))
    )
    counts = dict(rows.all())
    return counts.get(True, 0), counts.get(False, 0)
