"""A staff member works a ticket in a real browser; chat payloads show as text and run nothing.

The web app alone serves these (no bot needed); test_booking.py covers a ticket the bot made."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from bot.db.base import utcnow
from tests.browser.conftest import run_db, screenshot, staff_login
from tests.staff.factories import make_ticket

PAYLOADS = [
    '<script>window.__pwned = "script"; alert("script")</script>',
    '<img src=x onerror="window.__pwned = \'img\'; alert(\'img\')">',
]


def test_staff_finds_a_ticket_reads_the_transcript_and_changes_the_status(page, web_app):
    async def seed(session):
        await make_ticket(
            session, "ESD-BRW2Q", language="en", topic="blue_card", email="amara@example.org",
            name="Amara Okafor",
            messages=[("user", "Can I bring my family with a Blue Card?"),
                      ("bot", "Yes – family reunification is possible. Shall I book a consultation?"),
                      ("user", PAYLOADS[0]), ("user", PAYLOADS[1]),
                      ("bot", "A colleague will get back to you.")],
            slot_start=utcnow() + timedelta(days=3, hours=2))

    run_db(web_app, seed)
    staff_login(page, web_app, "/staff/tickets")
    page.get_by_label("Suche (Referenz, E-Mail)").fill("amara@")
    page.get_by_role("button", name="Filtern").click()
    page.get_by_role("link", name="ESD-BRW2Q").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anfrage ESD-BRW2Q")
    transcript = page.locator(".transcript")
    expect(transcript).to_contain_text("Can I bring my family with a Blue Card?")
    expect(transcript.locator(".from-bot").first).to_contain_text("family reunification")
    # The payloads are shown as the text the user typed, and nothing ran.
    for payload in PAYLOADS:
        expect(transcript.get_by_text(payload, exact=True)).to_be_visible()
    assert page.locator(".transcript img, .transcript script").count() == 0
    assert page.evaluate("window.__pwned") is None and page.dialogs == []
    screenshot(page, "staff-ticket")
    page.get_by_role("button", name="in Bearbeitung").click()
    expect(page.locator("#ticket-status")).to_have_text("in Bearbeitung")
    page.get_by_role("button", name="erledigt").click()
    expect(page.locator("#ticket-status")).to_have_text("erledigt")
    expect(page.locator(".history")).to_contain_text("offen → in Bearbeitung")
    # The list agrees, and the English switch works on the same page.
    page.get_by_role("link", name="English").click()
    expect(page.locator("#ticket-status")).to_have_text("done")
    screenshot(page, "staff-ticket-done-en")
    assert page.evaluate("window.__pwned") is None and page.dialogs == []


def test_dashboard_renders_the_chart(page, web_app):
    staff_login(page, web_app, "/staff")
    expect(page.get_by_role("heading", name="Übersicht")).to_be_visible()
    expect(page.locator(".chart svg rect").first).to_be_visible()  # the ticket seeded above
    screenshot(page, "staff-dashboard")
