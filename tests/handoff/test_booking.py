"""Booking, tickets with transcripts, cancel and reschedule on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, func, select

from bot.db.models import Booking, Ticket, TicketNote, TranscriptEntry
from bot.desk.bookings import BookingNotFound
from bot.desk.slots import free_slot_at, has_more_free_slots, next_free_slots
from bot.desk.tickets import Line
from bot.handoff import service
from tests.handoff.conftest import NOW, contact

TRANSCRIPT = [
    Line("user", "Blue Card salary?", datetime(2026, 12, 7, 7, 0, tzinfo=timezone.utc), "blue_card", 0.91),
    Line("bot", "As of 2026 the threshold is …", datetime(2026, 12, 7, 7, 0, 1, tzinfo=timezone.utc)),
    Line("user", "book a consultation", datetime(2026, 12, 7, 7, 1, tzinfo=timezone.utc), "request_human", 0.87),
]


async def _count(sm, model) -> int:
    async with sm() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_next_free_slots_pages_skip_past_and_booked(sessionmaker, slots):
    async with sessionmaker() as session:
        first = await next_free_slots(session, NOW, page=0, page_size=4)
        second = await next_free_slots(session, NOW, page=1, page_size=4)
        assert [s.id for s in first] == [s.id for s in slots[:4]]
        assert [s.id for s in second] == [s.id for s in slots[4:]]
        assert await has_more_free_slots(session, NOW, page=0, page_size=4)
        assert not await has_more_free_slots(session, NOW, page=1, page_size=4)
    await service.submit(sessionmaker, contact(), TRANSCRIPT, NOW, slots[0].id)
    async with sessionmaker() as session:
        assert slots[0].id not in [s.id for s in await next_free_slots(session, NOW, page_size=10)]
        assert await free_slot_at(session, slots[0].start, NOW) is None
        assert (await free_slot_at(session, slots[1].start, NOW)).id == slots[1].id


async def test_booking_creates_ticket_transcript_and_booking(sessionmaker, slots):
    confirmation = await service.submit(sessionmaker, contact(), TRANSCRIPT, NOW, slots[2].id)
    assert confirmation.reference.startswith("ESD-") and confirmation.start == slots[2].start
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == confirmation.reference))
        booking = await session.scalar(select(Booking).where(Booking.ticket_id == ticket.id))
        lines = (await session.scalars(
            select(TranscriptEntry).where(TranscriptEntry.ticket_id == ticket.id)
            .order_by(TranscriptEntry.position))).all()
    assert (ticket.status, ticket.language, ticket.topic, ticket.client_type, ticket.email) == (
        "open", "en", "blue_card", "individual", "ada@example.org")
    assert ticket.callback_requested is False
    assert booking.slot_id == slots[2].id and booking.start == slots[2].start
    assert [(l.sender, l.text, l.intent) for l in lines] == [
        ("user", "Blue Card salary?", "blue_card"), ("bot", "As of 2026 the threshold is …", None),
        ("user", "book a consultation", "request_human")]
    assert lines[0].confidence == pytest.approx(0.91)
    assert lines[0].timestamp == TRANSCRIPT[0].timestamp


async def test_taken_slot_stores_nothing(sessionmaker, slots):
    await service.submit(sessionmaker, contact(), TRANSCRIPT, NOW, slots[0].id)
    assert await service.submit(sessionmaker, contact(name="Grace"), TRANSCRIPT, NOW, slots[0].id) is None
    assert await _count(sessionmaker, Ticket) == 1
    assert await _count(sessionmaker, TranscriptEntry) == len(TRANSCRIPT)


async def test_past_slot_cannot_be_booked(sessionmaker, slots):
    assert await service.submit(sessionmaker, contact(), TRANSCRIPT, slots[3].start, slots[0].id) is None


async def test_no_slot_means_ticket_with_callback(sessionmaker):
    confirmation = await service.submit(sessionmaker, contact(), TRANSCRIPT, NOW, None)
    assert confirmation.start is None
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket.callback_requested is True and ticket.reference == confirmation.reference
    assert await _count(sessionmaker, Booking) == 0


async def test_hostile_input_is_stored_as_plain_text(sessionmaker, slots):
    hostile = "<img src=x onerror=alert(1)>'; DROP TABLE ticket; --"
    line = Line("user", hostile, NOW, "request_human", 0.5)
    confirmation = await service.submit(
        sessionmaker, contact(name=hostile, company=hostile), [line], NOW, slots[0].id)
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == confirmation.reference))
        entry = await session.scalar(select(TranscriptEntry))
    assert ticket.name == hostile and ticket.company == hostile and entry.text == hostile


async def test_cancel_frees_the_slot_and_records_it(sessionmaker, slots):
    booked = await service.submit(sessionmaker, contact(), TRANSCRIPT, NOW, slots[0].id)
    with pytest.raises(BookingNotFound):
        await service.cancel(sessionmaker, booked.reference, "someone@else.org", NOW)
    cancelled = await service.cancel(sessionmaker, booked.reference, "ADA@example.org", NOW)
    assert cancelled.start == slots[0].start
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket))
        booking = await session.scalar(select(Booking))
        notes = (await session.scalars(select(TicketNote))).all()
        assert await free_slot_at(session, slots[0].start, NOW) is not None
    assert ticket.status == "cancelled" and booking.slot_id is None and booking.cancelled_at == NOW
    assert len(notes) == 1
    with pytest.raises(BookingNotFound):  # a second cancel finds no live booking
        await service.cancel(sessionmaker, booked.reference, "ada@example.org", NOW)
    # The freed slot can be booked again.
    again = await service.submit(sessionmaker, contact(name="Grace"), TRANSCRIPT, NOW, slots[0].id)
    assert again is not None


async def test_reschedule_moves_the_booking(sessionmaker, slots):
    booked = await service.submit(sessionmaker, contact(), TRANSCRIPT, NOW, slots[0].id)
    other = await service.submit(sessionmaker, contact(email="g@example.org"), TRANSCRIPT, NOW, slots[1].id)
    taken = await service.reschedule(sessionmaker, booked.reference, "ada@example.org", slots[1].id, NOW)
    assert taken is None
    moved = await service.reschedule(sessionmaker, booked.reference, "ada@example.org", slots[3].id, NOW)
    assert moved.start == slots[3].start and moved.contact.name == "Ada Lovelace"
    async with sessionmaker() as session:
        assert await free_slot_at(session, slots[0].start, NOW) is not None
        assert await free_slot_at(session, slots[3].start, NOW) is None
        booking = await session.scalar(
            select(Booking).join(Ticket).where(Ticket.reference == booked.reference))
    assert booking.slot_id == slots[3].id and other.reference != booked.reference
    with pytest.raises(BookingNotFound):
        await service.reschedule(sessionmaker, "ESD-22222", "ada@example.org", slots[4].id, NOW)


async def test_fifty_concurrent_bookings_of_one_slot(sessionmaker, slots):
    async def one(i: int):
        return await service.submit(
            sessionmaker, contact(email=f"user{i}@example.org", conversation_id=f"c{i}"),
            TRANSCRIPT, NOW, slots[0].id)

    outcomes = await asyncio.gather(*(one(i) for i in range(50)))
    winners = [o for o in outcomes if o is not None]
    assert len(winners) == 1 and outcomes.count(None) == 49
    assert await _count(sessionmaker, Ticket) == 1
    assert await _count(sessionmaker, Booking) == 1
    assert await _count(sessionmaker, TranscriptEntry) == len(TRANSCRIPT)


async def test_database_lost_mid_booking_leaves_nothing(postgresql_url):
    """The server kills the connection right before the booking row is written."""
    from bot.db.migrate import upgrade
    from bot.db.session import make_engine, make_sessionmaker
    from bot.db.models import ConsultationSlot
    from tests.conftest import PG_DSN
    import psycopg

    upgrade(postgresql_url)
    engine = make_engine(postgresql_url)
    sm = make_sessionmaker(engine)
    async with sm() as session, session.begin():
        slot = ConsultationSlot(start=datetime(2026, 12, 8, 9, tzinfo=timezone.utc),
                                end=datetime(2026, 12, 8, 10, tzinfo=timezone.utc))
        session.add(slot)

    killed = []

    def kill_before_booking(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO BOOKING") and not killed:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with psycopg.connect(PG_DSN, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            killed.append(pid)

    event.listen(engine.sync_engine, "before_cursor_execute", kill_before_booking)
    try:
        with pytest.raises(service.DATABASE_ERRORS):
            await service.submit(sm, contact(), TRANSCRIPT, NOW, slot.id)
        event.remove(engine.sync_engine, "before_cursor_execute", kill_before_booking)
        assert killed
        assert await _count(sm, Ticket) == 0
        assert await _count(sm, TranscriptEntry) == 0
        assert await _count(sm, Booking) == 0
    finally:
        await engine.dispose()
