"""Hand-off fixtures: slots in a real test database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.db.models import ConsultationSlot
from bot.desk.contact import Contact

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)  # Monday 09:00 in Berlin


def contact(**overrides) -> Contact:
    values = dict(
        language="en", client_type="individual", name="Ada Lovelace", email="ada@example.org",
        topic="blue_card", consultation_language="en", conversation_id="conv-1",
    )
    values.update(overrides)
    return Contact(**values)


@pytest.fixture
async def slots(sessionmaker) -> list[ConsultationSlot]:
    """Six slots from tomorrow 10:00 Berlin, one per hour, plus one in the past."""
    first = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)
    rows = [ConsultationSlot(start=first + timedelta(hours=i), end=first + timedelta(hours=i, minutes=45))
            for i in range(6)]
    rows.append(ConsultationSlot(start=NOW - timedelta(days=1), end=NOW - timedelta(days=1) + timedelta(minutes=45)))
    async with sessionmaker() as session, session.begin():
        session.add_all(rows)
    return rows[:6]
