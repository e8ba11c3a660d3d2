"""Hand-offs per week by topic and language, in the desk's time zone (both backends)."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.desk.stats import handoffs_per_week, slot_counts, status_counts
from tests.staff.factories import make_ticket

BERLIN = ZoneInfo("Europe/Berlin")


async def test_weekly_counts(sessionmaker):
    now = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)  # a Wednesday
    async with sessionmaker() as session, session.begin():
        # Sunday 23:30 UTC is already Monday in Berlin: this week, not last week.
        await make_ticket(session, "ESD-W0001", topic="tax_id", language="de",
                          created_at=datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc))
        await make_ticket(session, "ESD-W0002", topic="tax_id", language="en",
                          created_at=datetime(2026, 11, 17, 9, tzinfo=timezone.utc))
        await make_ticket(session, "ESD-W0003", topic=None, language="en", status="done",
                          created_at=datetime(2026, 11, 18, 9, tzinfo=timezone.utc))
        await make_ticket(session, "ESD-W0004", topic="housing", language="en",
                          created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))  # too old
        await make_ticket(session, "ESD-W0005", topic="housing", language="de",
                          created_at=datetime(2026, 11, 25, 8, tzinfo=timezone.utc),
                          slot_start=datetime(2026, 11, 26, 9, tzinfo=timezone.utc))
    async with sessionmaker() as session:
        by_topic, by_language = await handoffs_per_week(session, now, BERLIN, weeks=3)
        statuses = await status_counts(session)
        booked, free = await slot_counts(session, now)
    assert [str(w) for w in by_topic.weeks] == ["2026-11-09", "2026-11-16", "2026-11-23"]
    assert by_topic.series == {"tax_id": [0, 1, 1], "": [0, 1, 0], "housing": [0, 0, 1]}
    assert by_language.series == {"de": [0, 0, 2], "en": [0, 2, 0]}
    assert statuses["open"] == 4 and statuses["done"] == 1
    assert (booked, free) == (1, 0)
