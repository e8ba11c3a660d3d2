"""Cancelling is one rule: from the chat (reference + e-mail) and from the staff app (status →
cancelled) it frees the slot, cancels the ticket, writes the same note and sends the client
the same mail in the booking's language. Both through their real entry points (the action,
the web app), on SQLite and PostgreSQL."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import datetime, timezone
from email import policy
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import delete, select

from actions.booking_changes import ActionCancelBooking
from bot.db.models import Booking, ConsultationSlot, Ticket, TicketNote
from bot.desk.bookings import cancellation_note
from bot.desk.staff_users import get_by_email
from bot.desk.tickets import create_ticket
from bot.settings import Settings
from bot.web.app import create_app
from tests.handoff.conftest import NOW, contact
from tests.handoff.test_actions import DOMAIN, tracker
from tests.staff.conftest import STAFF_EMAIL, STAFF_PASSWORD, log_in

REFERENCE = "ESD-7K3Q9"
START = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Berlin
SUBJECTS = {
    "de": "Ihr Beratungstermin beim Expat Service Desk ist abgesagt: Dienstag, 8. Dezember 2026, 10:00 Uhr",
    "en": "Your consultation with the Expat Service Desk is cancelled: Tuesday, 8 December 2026, 10:00",
}


async def _book(sessionmaker, language: str) -> None:
    """The same booking each time: same reference, slot, client."""
    async with sessionmaker() as session, session.begin():
        slot = await session.scalar(select(ConsultationSlot).where(ConsultationSlot.start == START))
        if slot is None:
            slot = ConsultationSlot(start=START, end=START.replace(minute=45))
            session.add(slot)
            await session.flush()
        await create_ticket(session, contact(language=language, email="Ada@Example.org"), [], NOW,
                            slot_id=slot.id, make_reference=lambda: REFERENCE)


async def _outcome(sessionmaker, outbox: Path) -> dict:
    """What a cancellation left: ticket, booking, notes and the one mail in the outbox."""
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == REFERENCE))
        booking = await session.scalar(select(Booking).where(Booking.ticket_id == ticket.id))
        notes = (await session.scalars(select(TicketNote).where(TicketNote.ticket_id == ticket.id))).all()
    [path] = list(outbox.glob("*.eml"))
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    return {"status": ticket.status, "slot_id": booking.slot_id,
            "notes": [(n.text, n.author_id) for n in notes],
            "mail": {"From": mail["From"], "To": mail["To"], "Subject": mail["Subject"],
                     "body": mail.get_body(("plain",)).get_content()}}


async def _forget(sessionmaker) -> None:
    async with sessionmaker() as session, session.begin():
        await session.execute(delete(Ticket).where(Ticket.reference == REFERENCE))


@pytest.mark.parametrize("booked_in", ["de", "en"])
async def test_staff_and_chat_cancelling_do_the_same(
    sessionmaker, database_url, aiohttp_client, tmp_path, booked_in
):
    chat_in = "en" if booked_in == "de" else "de"  # the chat switched language since booking
    base = replace(Settings(), database_url=database_url, smtp_host=None)

    await _book(sessionmaker, booked_in)
    chat_settings = replace(base, mail_outbox=tmp_path / "chat")
    dispatcher = CollectingDispatcher()
    await ActionCancelBooking(sessionmaker=sessionmaker, settings=chat_settings, clock=lambda: NOW).run(
        dispatcher, tracker({"language": chat_in, "booking_reference": REFERENCE,
                             "booking_email": "ada@example.org", "change_confirmed": "yes"}), DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_cancelled"]
    chat = await _outcome(sessionmaker, chat_settings.mail_outbox)

    await _forget(sessionmaker)
    await _book(sessionmaker, booked_in)
    staff_settings = replace(base, mail_outbox=tmp_path / "staff", staff_email=STAFF_EMAIL,
                             staff_password=STAFF_PASSWORD)
    client = await aiohttp_client(create_app(staff_settings))
    csrf = await log_in(client)
    response = await client.post(f"/staff/tickets/{REFERENCE}/status",
                                 data={"status": "cancelled", "csrf_token": csrf},
                                 allow_redirects=False)
    assert response.status == 302 and "error" not in response.headers["Location"]
    staff = await _outcome(sessionmaker, staff_settings.mail_outbox)
    async with sessionmaker() as session:
        staff_id = (await get_by_email(session, STAFF_EMAIL)).id

    note = cancellation_note(Booking(start=START))
    assert note == "Booking cancelled (2026-12-08 09:00 UTC); the slot is free again."
    assert chat["notes"] == [(note, None)]  # the client cancelled
    assert staff["notes"] == [(note, staff_id)]  # a staff user did
    assert chat["status"] == staff["status"] == "cancelled"
    assert chat["slot_id"] is None and staff["slot_id"] is None
    assert chat["mail"] == staff["mail"]
    assert staff["mail"]["To"] == "Ada@Example.org" and staff["mail"]["Subject"] == SUBJECTS[booked_in]
    assert REFERENCE in staff["mail"]["body"]
