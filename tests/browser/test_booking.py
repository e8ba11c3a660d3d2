"""The whole hand-off in a real browser: an expat asks a question in the widget, books a
consultation by typing only (buttons are shortcuts, never needed), and a staff member finds
that ticket and works it."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from bot.db.base import utcnow
from bot.db.models import ConsultationSlot
from tests.browser.conftest import (
    BOT,
    last_bot_text,
    run_db,
    say,
    screenshot,
    staff_login,
)

QUESTION = "How do I get a tax ID in Germany?"


def test_book_a_consultation_by_typing_only_then_staff_works_the_ticket(page, stack):
    async def add_slots(session):
        start = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        for n in range(3):
            at = start + timedelta(days=n)
            session.add(ConsultationSlot(start=at, end=at + timedelta(minutes=30)))

    run_db(stack, add_slots)
    page.goto(f"{stack.web_url}/?lang=en")
    page.get_by_role("button", name="Questions? Chat with us").click()
    say(page, QUESTION)
    say(page, "I'd like to book a consultation")
    assert "Do you agree?" in last_bot_text(page)
    say(page, "yes")
    say(page, "Amara Okafor, amara.okafor@example.org")
    say(page, "as soon as possible")
    assert "1)" in last_bot_text(page)
    say(page, "the first one")
    say(page, "for myself")
    summary = last_bot_text(page)
    assert "Shall I book it?" in summary and "amara.okafor@example.org" in summary, summary
    say(page, "yes")
    confirmation = last_bot_text(page)
    match = re.search(r"ESD-[0-9A-Z]{5}", confirmation)
    assert "booked" in confirmation and match, confirmation
    reference = match.group(0)
    screenshot(page, "widget-booked")

    staff_login(page, stack, "/staff/tickets")
    page.get_by_label("Suche (Referenz, E-Mail)").fill(reference)
    page.get_by_role("button", name="Filtern").click()
    page.get_by_role("link", name=reference).click()
    transcript = page.locator(".transcript")
    expect(transcript).to_contain_text(QUESTION)
    expect(page.locator("main")).to_contain_text("amara.okafor@example.org")
    expect(page.get_by_role("heading", name="Buchung")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Kein Termin gebucht")
    screenshot(page, "staff-booked-ticket")
    page.get_by_role("button", name="in Bearbeitung").click()
    expect(page.locator("#ticket-status")).to_have_text("in Bearbeitung")
