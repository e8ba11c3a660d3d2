"""The public one-time cancel/move links (bot/web/views/booking_links.py over
bot.desk.booking_links), through create_app on SQLite and PostgreSQL, with a real SMTP sink."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import icalendar
import pytest
from sqlalchemy import func, select

from bot.db.base import utcnow
from bot.db.models import Booking, BookingLinkUse, ConsultationSlot, Ticket
from bot.desk import booking_links as links
from bot.desk.slots import free_slot
from bot.handoff import service
from bot.handoff.dates import format_datetime
from bot.web.access_log import AccessLogger, redacted_path
from bot.web.app import create_app
from tests.desk.conftest import client as contact
from tests.desk.conftest import sink  # noqa: F401  (fixture)

SECRET = "link-test-secret"


@pytest.fixture
def settings(settings, sink):
    return replace(settings, secret_key=SECRET, smtp_host=sink.host, smtp_port=sink.port,
                   public_url="https://desk.example")


@pytest.fixture
async def slots(sessionmaker):
    """Four future slots (real clock: the web app uses it): desk, phone, video, desk."""
    start = (utcnow() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    rows = [ConsultationSlot(start=start + timedelta(hours=i), end=start + timedelta(hours=i, minutes=30),
                             mode=("desk", "phone", "video", "desk")[i]) for i in range(4)]
    async with sessionmaker() as session, session.begin():
        session.add_all(rows)
    return rows


@pytest.fixture
def booked(sessionmaker, slots):
    async def _booked(slot_index=1, **overrides):
        return await service.submit(sessionmaker, contact(**overrides), [], utcnow(),
                                    slots[slot_index].id)
    return _booked


def path_of(confirmation, action):
    return "/booking/" + links.make_token(SECRET, action, confirmation.reference, confirmation.start)


def form_token(html):
    match = re.search(r'name="form_token" value="([0-9a-f]{64})"', html)
    assert match, html
    return match.group(1)


async def _live(sm, reference):
    async with sm() as session:
        return await session.scalar(select(Booking.slot_id).join(Ticket, Ticket.id == Booking.ticket_id)
                                    .where(Ticket.reference == reference))


async def _uses(sm):
    async with sm() as session:
        return await session.scalar(select(func.count()).select_from(BookingLinkUse))


async def test_cancel_link_shows_the_booking_and_get_changes_nothing(client, booked, slots,
                                                                     sessionmaker, sink):
    confirmation = await booked(1)
    path = path_of(confirmation, "cancel")
    for _ in range(2):
        page = await client.get(path)
        html = await page.text()
        assert page.status == 200
        assert format_datetime(slots[1].start, "de") in html and "Deutsche Zeit" in html
        assert "Blaue Karte" in html or "blue_card" in html
        assert "Telefon" in html and confirmation.reference in html
        assert "Termin verbindlich absagen" in html
    assert await _live(sessionmaker, confirmation.reference) == slots[1].id
    assert await _uses(sessionmaker) == 0 and sink.messages == []
    assert page.headers["Referrer-Policy"] == "no-referrer"


async def test_post_cancels_frees_the_slot_mails_and_the_link_is_then_used(
        client, booked, slots, sessionmaker, sink):
    confirmation = await booked(1)
    path = path_of(confirmation, "cancel")
    token = form_token(await (await client.get(path)).text())
    response = await client.post(path, data={"form_token": token, "action": "cancel"})
    assert response.status == 200 and "Ihr Termin ist abgesagt" in await response.text()
    assert await _live(sessionmaker, confirmation.reference) is None
    async with sessionmaker() as session:
        assert await free_slot(session, slots[1].id, utcnow()) is not None
        assert await session.scalar(select(Ticket.status).where(
            Ticket.reference == confirmation.reference)) == "cancelled"
    [mail] = sink.to("Anna@Example.org")
    assert "abgesagt" in mail["Subject"]
    [ics] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert icalendar.Calendar.from_ical(ics.get_content())["METHOD"] == "CANCEL"
    again = await client.post(path, data={"form_token": token, "action": "cancel"})
    assert again.status == 410 and "bereits verwendet" in await again.text()
    shown = await client.get(path)
    assert shown.status == 410 and "bereits verwendet" in await shown.text()
    assert len(sink.messages) == 1


async def test_expired_and_gone_links_say_so(client, booked, sessionmaker):
    confirmation = await booked(0)
    expired = "/booking/" + links.make_token(SECRET, "cancel", confirmation.reference,
                                             utcnow() - timedelta(minutes=1))
    response = await client.get(expired)
    assert response.status == 410 and "abgelaufen" in await response.text()
    await service.cancel(sessionmaker, confirmation.reference, "anna@example.org", utcnow())
    gone = await client.get(path_of(confirmation, "move"))
    assert gone.status == 410 and "bereits abgesagt" in await gone.text()


@pytest.mark.parametrize("token", [
    "x" * 5000, "%00%01%1b[31m", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "ZmFrZQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "",
], ids=["long", "control", "html", "forged", "empty"])
async def test_hostile_or_forged_tokens_get_a_clear_404(client, token):
    response = await client.get("/booking/" + token)
    html = await response.text()
    assert response.status == 404
    if token:
        assert "ungültig" in html and "<script>" not in html and "alert(1)" not in html


async def test_tampered_token_is_refused_and_the_booking_stays(client, booked, sessionmaker, slots):
    confirmation = await booked(0)
    path = path_of(confirmation, "cancel")
    token = form_token(await (await client.get(path)).text())
    body, signature = path.rsplit("/", 1)[1].split(".")
    flipped = "/booking/" + body + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    response = await client.post(flipped, data={"form_token": token, "action": "cancel"})
    assert response.status in (403, 404)
    assert (await client.get(flipped)).status == 404
    assert await _live(sessionmaker, confirmation.reference) == slots[0].id


async def test_post_without_the_pages_form_token_changes_nothing(client, aiohttp_client, settings,
                                                                 booked, sessionmaker, slots):
    confirmation = await booked(0)
    path = path_of(confirmation, "cancel")
    stranger = await aiohttp_client(create_app(settings))  # another browser: no cookie
    token = form_token(await (await client.get(path)).text())
    for who, data in ((client, {"action": "cancel"}), (stranger, {"form_token": token, "action": "cancel"})):
        response = await who.post(path, data=data)
        assert response.status == 403 and "abgelaufen" in await response.text()
    assert await _live(sessionmaker, confirmation.reference) == slots[0].id


async def test_move_link_offers_free_times_filters_by_mode_and_moves(client, booked, slots,
                                                                     sessionmaker, sink):
    confirmation = await booked(0, language="en")
    path = path_of(confirmation, "move")
    page = await client.get(path)
    html = await page.text()
    assert page.status == 200 and "Move your consultation" in html and "German time" in html
    offered = {int(v) for v in re.findall(r'name="slot_id" value="(\d+)"', html)}
    assert offered == {slots[1].id, slots[2].id, slots[3].id}
    video = await (await client.get(path + "?mode=video")).text()
    assert {int(v) for v in re.findall(r'name="slot_id" value="(\d+)"', video)} == {slots[2].id}
    german = await (await client.get(path + "?lang=de")).text()
    assert "Beratungstermin verschieben" in german
    response = await client.post(path, data={"form_token": form_token(html), "action": "move",
                                             "slot_id": str(slots[2].id)})
    assert response.status == 200 and "moved to" in await response.text()
    assert await _live(sessionmaker, confirmation.reference) == slots[2].id
    [mail] = sink.messages
    assert "moved" in mail["Subject"] and "by video call" in mail.get_body(("plain",)).get_content()
    [ics] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event["UID"].startswith(f"booking-{confirmation.reference}@")
    assert event.decoded("DTSTART") == slots[2].start
    assert (await client.get(path)).status == 410  # used


async def test_move_to_a_taken_slot_keeps_the_link_usable(client, booked, slots, sessionmaker):
    confirmation = await booked(0)
    path = path_of(confirmation, "move")
    token = form_token(await (await client.get(path)).text())
    await booked(3, email="other@example.org")
    response = await client.post(path, data={"form_token": token, "action": "move",
                                             "slot_id": str(slots[3].id)})
    assert response.status == 409 and "gerade vergeben" in await response.text()
    assert await _live(sessionmaker, confirmation.reference) == slots[0].id
    assert await _uses(sessionmaker) == 0
    bad = await client.post(path, data={"form_token": token, "action": "move", "slot_id": "x<y"})
    assert bad.status == 400
    wrong_action = await client.post(path, data={"form_token": token, "action": "cancel"})
    assert wrong_action.status == 404  # a move link never cancels
    assert await _live(sessionmaker, confirmation.reference) == slots[0].id


async def test_request_links_finds_live_future_bookings_case_insensitively(booked, sessionmaker):
    first = await booked(0)
    second = await booked(2)
    await booked(1, email="someone@else.org")
    cancelled = await booked(3)
    await service.cancel(sessionmaker, cancelled.reference, "anna@example.org", utcnow())
    async with sessionmaker() as session:
        found = await links.request_links(session, "  ANNA@example.ORG ", utcnow())
        assert [c.reference for c in found] == [first.reference, second.reference]
        assert [c.mode for c in found] == ["desk", "video"]
        assert await links.request_links(session, "nobody@example.org", utcnow()) == []
        assert await links.request_links(session, "", utcnow()) == []


def test_the_access_log_never_shows_a_link_token_or_a_query(caplog):
    token = links.make_token(SECRET, "cancel", "ESD-AAAAA", utcnow())
    assert redacted_path(f"/booking/{token}") == "/booking/…"
    assert redacted_path("/staff/tickets") == "/staff/tickets"
    request = SimpleNamespace(remote="127.0.0.1", method="GET", path=f"/booking/{token}",
                              path_qs=f"/booking/{token}?q=anna@example.org")
    with caplog.at_level(logging.INFO):
        AccessLogger(logging.getLogger("aiohttp.access"), "").log(
            request, SimpleNamespace(status=200), 0.01)
    assert "GET /booking/… 200" in caplog.text
    assert token not in caplog.text and "anna@" not in caplog.text
