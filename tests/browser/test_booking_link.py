"""A one-time cancel link from the confirmation mail (read from the test SMTP server), opened
in Chromium, frees the slot; the mail's .ics has the booked time in Europe/Berlin."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from playwright.sync_api import expect
from sqlalchemy import select

from bot.db.base import utcnow
from bot.db.models import Booking, ConsultationSlot, Ticket
from bot.desk import tickets
from bot.desk.contact import Contact
from bot.desk.slots import is_booked
from bot.handoff.labels import domain_labels
from bot.handoff.mail import mail_client
from tests.browser.conftest import run_db, screenshot

ADDRESS = "link.browser@example.org"


def _calendar(mail) -> icalendar.Calendar:
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


def test_cancel_link_from_the_mail_frees_the_slot(page, stack, mail_sink):
    async def book(session):
        # Minute 13: no seeded or other test's slot starts then (slot starts are unique).
        start = (utcnow() + timedelta(days=4)).replace(minute=13, second=0, microsecond=0)
        slot = ConsultationSlot(start=start, end=start + timedelta(minutes=30), mode="phone")
        session.add(slot)
        await session.flush()
        contact = Contact(language="de", client_type="individual", name="Lina Berg",
                          email=ADDRESS, topic="tax_id", consultation_language="de")
        return slot.id, await tickets.create_ticket(session, contact, [], utcnow(), slot_id=slot.id)

    slot_id, confirmation = run_db(stack, book)
    settings = stack.child_settings()  # what the action server mails with
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright holds this thread's loop
        assert pool.submit(asyncio.run, mail_client(settings, "booking", confirmation,
                                                    domain_labels())).result()
    [mail] = mail_sink.to(ADDRESS)
    [event] = _calendar(mail).walk("VEVENT")
    assert event.decoded("DTSTART") == confirmation.start.astimezone(ZoneInfo("Europe/Berlin"))
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    body = mail.get_body(("plain",)).get_content()
    [cancel_url] = re.findall(r"Absagen:\s+(\S+/booking/\S+)", body)
    assert cancel_url.startswith(stack.web_url)

    page.goto(cancel_url)
    expect(page.get_by_role("heading", name="Beratungstermin absagen")).to_be_visible()
    expect(page.get_by_text(confirmation.reference)).to_be_visible()
    expect(page.get_by_text("Telefon")).to_be_visible()
    screenshot(page, "booking-link-cancel")
    page.get_by_role("button", name="Termin verbindlich absagen").click()
    expect(page.get_by_role("status")).to_contain_text("Ihr Termin ist abgesagt")

    async def state(session):
        held = await session.scalar(select(Booking.slot_id).join(Ticket, Ticket.id == Booking.ticket_id)
                                    .where(Ticket.reference == confirmation.reference))
        return held, await is_booked(session, slot_id)

    assert run_db(stack, state) == (None, False)  # the booking let go of it; the slot is free
    cancelled = [m for m in mail_sink.to(ADDRESS) if "abgesagt" in m["Subject"]]
    assert len(cancelled) == 1 and _calendar(cancelled[0])["METHOD"] == "CANCEL"
    page.goto(cancel_url)
    expect(page.get_by_role("alert")).to_contain_text("bereits verwendet")
