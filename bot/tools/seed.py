"""Demo consultation slots: `make seed` (idempotent).

The next two weeks, Monday to Friday, at desk hours in Europe/Berlin (stored in UTC).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.desk.slots import add_missing_slots, slot_count
from bot.settings import Settings

HOURS = (9, 10, 11, 14, 15)
DURATION = timedelta(minutes=45)
DAYS = 14


def demo_starts(today: date, tz: str = "Europe/Berlin", days: int = DAYS) -> list[datetime]:
    zone = ZoneInfo(tz)
    starts = []
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        if day.weekday() < 5:
            starts.extend(datetime.combine(day, time(hour), tzinfo=zone) for hour in HOURS)
    return starts


async def seed_slots(session: AsyncSession, today: date, tz: str = "Europe/Berlin") -> int:
    """Adds the demo slots that do not exist yet; returns how many were added."""
    return len(await add_missing_slots(session, demo_starts(today, tz), DURATION))


async def seed(database_url: str, tz: str, *, only_if_empty: bool = False) -> int:
    from bot.db.session import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            if only_if_empty and await slot_count(session):
                return 0
            return await seed_slots(session, utcnow().astimezone(ZoneInfo(tz)).date(), tz)
    finally:
        await engine.dispose()


def main(only_if_empty: bool = False, settings: Settings | None = None) -> int:
    settings = settings or Settings.from_env()
    added = asyncio.run(seed(settings.database_url, settings.timezone, only_if_empty=only_if_empty))
    print(f"Consultation slots: {added} demo slot(s) added (next two weeks, Mon–Fri, {settings.timezone}).")
    return added


if __name__ == "__main__":
    main()
