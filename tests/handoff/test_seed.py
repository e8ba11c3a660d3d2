"""`make seed`: demo slots for the next two weeks, Mon–Fri, Europe/Berlin, idempotent."""

from datetime import date
from zoneinfo import ZoneInfo

from bot.tools.seed import HOURS, demo_starts, seed_slots, slot_count


def test_demo_starts_are_weekdays_in_berlin():
    starts = demo_starts(date(2026, 11, 30))  # a Monday → Dec 1 … Dec 14
    assert len(starts) == 10 * len(HOURS)
    berlin = [s.astimezone(ZoneInfo("Europe/Berlin")) for s in starts]
    assert all(s.weekday() < 5 and s.hour in HOURS for s in berlin)
    assert berlin[0].date() == date(2026, 12, 1) and berlin[-1].date() == date(2026, 12, 14)


async def test_seed_is_idempotent(sessionmaker):
    async with sessionmaker() as session, session.begin():
        assert await seed_slots(session, date(2026, 11, 30)) == 50
    async with sessionmaker() as session, session.begin():
        assert await seed_slots(session, date(2026, 11, 30)) == 0
        assert await seed_slots(session, date(2026, 12, 1)) == 5  # one more weekday appears
        assert await slot_count(session) == 55
