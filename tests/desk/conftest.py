"""Desk fixtures: booked consultations in a real test database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from bot.db.models import Booking, ConsultationSlot
from bot.desk.contact import Confirmation, Contact
from bot.handoff import service
from tests.mail_sink import running_mail_sink

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)  # Monday 09:00 in Berlin
FIRST = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Berlin


def client(**overrides) -> Contact:
    values = dict(language="de", client_type="individual", name="Anna Schmidt",
                  email="Anna@Example.org", topic="blue_card", consultation_language="de",
                  conversation_id="conv-1")
    values.update(overrides)
    return Contact(**values)


@pytest.fixture
def sink():
    """A real SMTP server (aiosmtpd) for the test's mails."""
    with running_mail_sink() as running:
        yield running


@pytest.fixture
async def desk_slots(sessionmaker) -> list[ConsultationSlot]:
    """Six slots from Tuesday 10:00 Berlin, one per hour; modes desk, phone, video, …"""
    modes = ("desk", "phone", "video")
    rows = [ConsultationSlot(start=FIRST + timedelta(hours=i),
                             end=FIRST + timedelta(hours=i, minutes=30), mode=modes[i % 3])
            for i in range(6)]
    async with sessionmaker() as session, session.begin():
        session.add_all(rows)
    return rows


@pytest.fixture
def book(sessionmaker):
    """Books `slot` at NOW (also the booking's creation time, whatever the real clock says)."""
    async def _book(slot: ConsultationSlot, booked_at: datetime = NOW, **contact) -> Confirmation:
        confirmation = await service.submit(sessionmaker, client(**contact), [], booked_at, slot.id)
        assert confirmation is not None
        async with sessionmaker() as session, session.begin():
            await session.execute(update(Booking).where(Booking.slot_id == slot.id)
                                  .values(created_at=booked_at))
        return confirmation

    return _book
