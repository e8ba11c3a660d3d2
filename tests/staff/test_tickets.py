"""Ticket list, detail, workflow, notes, assignment, CSV export and the JSON API, on both backends."""

from __future__ import annotations

import csv
import email
import io
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email import policy

from sqlalchemy import select

from bot.db.base import utcnow
from bot.db.models import AuditLog, Booking, Ticket
from bot.desk.staff_users import upsert_user
from bot.tools.stack import free_port
from bot.web.app import create_app
from bot.web.templating import topic_name
from tests.staff.conftest import API_TOKEN, STAFF_EMAIL, log_in
from tests.staff.factories import make_ticket

XSS = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


async def _seed(sessionmaker):
    now = utcnow()
    async with sessionmaker() as session, session.begin():
        await make_ticket(session, "ESD-AAAA2", language="de", topic="tax_id",
                          email="jonas@example.org", created_at=now - timedelta(days=3))
        await make_ticket(session, "ESD-AAAA3", language="en", topic="blue_card",
                          email="priya@example.org", created_at=now - timedelta(days=1),
                          messages=[("user", XSS), ("bot", "Let me find a colleague.")],
                          slot_start=now + timedelta(days=2))
        await make_ticket(session, "ESD-AAAA4", language="en", topic="blue_card", status="done",
                          email="li@example.org", created_at=now - timedelta(hours=1))


async def test_list_is_newest_first_and_filters(client, staff, sessionmaker):
    await _seed(sessionmaker)
    text = await (await client.get("/staff/tickets")).text()
    assert text.index("ESD-AAAA4") < text.index("ESD-AAAA3") < text.index("ESD-AAAA2")
    cases = {
        "?status=open": {"ESD-AAAA2", "ESD-AAAA3"},
        "?language=de": {"ESD-AAAA2"},
        "?topic=blue_card&status=done": {"ESD-AAAA4"},
        "?q=priya@": {"ESD-AAAA3"},
        "?q=esd-aaaa2": {"ESD-AAAA2"},
        "?q=%25": set(),  # LIKE wildcards are literal
        f"?from={(utcnow() - timedelta(days=2)).date()}": {"ESD-AAAA3", "ESD-AAAA4"},
        f"?to={(utcnow() - timedelta(days=2)).date()}": {"ESD-AAAA2"},
        "?status=bogus": {"ESD-AAAA2", "ESD-AAAA3", "ESD-AAAA4"},
    }
    for query, expected in cases.items():
        text = await (await client.get("/staff/tickets" + query)).text()
        shown = {ref for ref in ("ESD-AAAA2", "ESD-AAAA3", "ESD-AAAA4") if f">{ref}</a>" in text}
        assert shown == expected, query


async def test_pagination(client, staff, sessionmaker):
    start = utcnow() - timedelta(days=1)
    async with sessionmaker() as session, session.begin():
        for i in range(55):
            await make_ticket(session, f"ESD-P{i:04d}", created_at=start + timedelta(minutes=i))
    first = await (await client.get("/staff/tickets")).text()
    second = await (await client.get("/staff/tickets?page=2")).text()
    assert "Seite 1 von 2 (55 Anfragen)" in first and ">ESD-P0054</a>" in first
    assert ">ESD-P0004</a>" not in first and ">ESD-P0004</a>" in second
    assert second.count('href="/staff/tickets/ESD-P') == 5
    beyond = await (await client.get("/staff/tickets?page=99")).text()
    assert "Seite 2 von 2" in beyond


async def test_detail_shows_transcript_escaped_with_booking_and_nlu(client, staff, sessionmaker):
    await _seed(sessionmaker)
    response = await client.get("/staff/tickets/ESD-AAAA3")
    text = await response.text()
    assert response.status == 200
    assert "<script>window.pwned" not in text and "<img src=x" not in text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;&lt;img src=x onerror=" in text
    assert "Let me find a colleague." in text and "priya@example.org" in text
    assert "greet" in text and "0.93" in text  # NLU trail
    assert "Kein Termin gebucht" not in text


async def test_status_workflow_and_audit(client, staff, sessionmaker):
    await _seed(sessionmaker)
    url = "/staff/tickets/ESD-AAAA3/status"
    response = await client.post(url, data={"status": "done", "csrf_token": staff})
    assert "Dieser Statuswechsel ist nicht erlaubt" in await response.text()  # open ↛ done
    for status in ("in_progress", "done"):
        response = await client.post(url, data={"status": status, "csrf_token": staff},
                                      allow_redirects=False)
        assert response.status == 302
    page = await (await client.get("/staff/tickets/ESD-AAAA3")).text()
    assert 'id="ticket-status">erledigt<' in page
    assert "offen → in Bearbeitung" in page and "in Bearbeitung → erledigt" in page
    async with sessionmaker() as session:
        actions = (await session.scalars(
            select(AuditLog.detail).where(AuditLog.target == "ESD-AAAA3").order_by(AuditLog.id)
        )).all()
    assert actions == [{"from": "open", "to": "in_progress"}, {"from": "in_progress", "to": "done"}]


async def test_cancelling_frees_the_slot_notes_it_and_mails_the_client(
    client, staff, sessionmaker, settings
):
    await _seed(sessionmaker)
    page = await (await client.post("/staff/tickets/ESD-AAAA3/status", data={
        "status": "cancelled", "csrf_token": staff})).text()
    async with sessionmaker() as session:
        booking = await session.scalar(select(Booking))
    assert booking.slot_id is None and booking.cancelled_at is not None
    assert f'<span class="meta">{STAFF_EMAIL} · ' in page  # the note, by whom
    assert "Booking cancelled (" in page and "the slot is free again." in page
    [path] = list(settings.mail_outbox.glob("*.eml"))
    mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["To"] == "priya@example.org" and "ESD-AAAA3" in path.name
    assert mail["Subject"].startswith("Your consultation with the Expat Service Desk is cancelled")
    slots = await (await client.get("/staff/slots")).text()
    assert "gebucht: ESD-AAAA3" not in slots and ">Löschen<" in slots


async def test_cancelling_without_a_booking_mails_nobody(client, staff, sessionmaker, settings):
    await _seed(sessionmaker)
    response = await client.post("/staff/tickets/ESD-AAAA2/status", data={
        "status": "cancelled", "csrf_token": staff}, allow_redirects=False)
    assert response.status == 302
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == "ESD-AAAA2"))
    assert ticket.status == "cancelled" and not settings.mail_outbox.exists()


async def test_cancelling_stands_when_the_mail_server_is_down(
    aiohttp_client, settings, sessionmaker, caplog
):
    client = await aiohttp_client(create_app(replace(settings, smtp_host="127.0.0.1",
                                                     smtp_port=free_port())))
    csrf = await log_in(client)
    await _seed(sessionmaker)
    response = await client.post("/staff/tickets/ESD-AAAA3/status", data={
        "status": "cancelled", "csrf_token": csrf}, allow_redirects=False)
    assert response.status == 302 and "error" not in response.headers["Location"]
    async with sessionmaker() as session:
        booking = await session.scalar(select(Booking))
    assert booking.slot_id is None
    assert "confirmation mail not delivered" in caplog.text and "priya@example.org" not in caplog.text


async def test_notes_and_assignment(client, staff, sessionmaker):
    await _seed(sessionmaker)
    async with sessionmaker() as session, session.begin():
        colleague, _ = await upsert_user(session, "mia@example.org", "another password", name="Mia")
    await client.post("/staff/tickets/ESD-AAAA2/notes",
                      data={"text": "Called back <b>today</b>", "csrf_token": staff})
    await client.post("/staff/tickets/ESD-AAAA2/assign",
                      data={"staff_user_id": str(colleague.id), "csrf_token": staff})
    page = await (await client.get("/staff/tickets/ESD-AAAA2")).text()
    assert "Called back &lt;b&gt;today&lt;/b&gt;" in page
    assert f'<option value="{colleague.id}" selected>Mia</option>' in page
    listing = await (await client.get("/staff/tickets")).text()
    assert "mia@example.org" in listing
    empty = await client.post("/staff/tickets/ESD-AAAA2/notes", data={"text": "  ", "csrf_token": staff})
    assert "Die Notiz ist leer" in await empty.text()


async def test_csv_export_follows_filters_and_defuses_formulas(client, staff, sessionmaker):
    await _seed(sessionmaker)
    async with sessionmaker() as session, session.begin():
        await make_ticket(session, "ESD-AAAA5", name="=HYPERLINK(\"http://x\")", language="de",
                          topic="tax_id")
    response = await client.get("/staff/tickets.csv?language=de")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert rows[0][0] == "reference"
    assert [row[0] for row in rows[1:]] == ["ESD-AAAA5", "ESD-AAAA2"]
    assert rows[1][6] == "'=HYPERLINK(\"http://x\")"


async def test_api_list_and_detail_match_the_contract(client, sessionmaker):
    await _seed(sessionmaker)
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    response = await client.get("/staff/api/tickets", headers=headers)
    body = await response.json()
    assert response.headers["X-Total-Count"] == "3"
    assert [t["reference"] for t in body] == ["ESD-AAAA4", "ESD-AAAA3", "ESD-AAAA2"]
    ticket = body[1]
    for key in ("reference", "status", "language", "topic", "created_at", "client_type",
                "booking", "transcript"):
        assert key in ticket
    assert set(ticket["booking"]) >= {"start", "end"}
    datetime.fromisoformat(ticket["booking"]["start"])
    assert body[0]["booking"] is None
    assert ticket["transcript"][0]["sender"] == "user" and ticket["transcript"][0]["text"] == XSS
    assert datetime.fromisoformat(ticket["transcript"][0]["timestamp"]).tzinfo == timezone.utc
    one = await (await client.get("/staff/api/tickets/ESD-AAAA3", headers=headers)).json()
    assert one == ticket
    filtered = await (await client.get("/staff/api/tickets?language=de&limit=1", headers=headers)).json()
    assert [t["reference"] for t in filtered] == ["ESD-AAAA2"]
    assert (await client.get("/staff/api/tickets?limit=x", headers=headers)).status == 400


async def test_api_accepts_the_session_cookie(client, staff, sessionmaker):
    await _seed(sessionmaker)
    response = await client.get("/staff/api/tickets/ESD-AAAA2")
    assert response.status == 200 and (await response.json())["language"] == "de"


async def test_slots_create_single_weekly_and_delete(client, staff, sessionmaker):
    first = (utcnow() + timedelta(days=7)).date()
    response = await client.post("/staff/slots", data={
        "date": first.isoformat(), "time": "10:00", "minutes": "45", "weeks": "3",
        "csrf_token": staff})
    text = await response.text()
    assert "3 Termine angelegt (0 gab es schon)" in text
    assert text.count(">Löschen<") == 3 and "10:00–10:45" in text
    again = await client.post("/staff/slots", data={
        "date": first.isoformat(), "time": "10:00", "minutes": "45", "weeks": "1",
        "csrf_token": staff})
    assert "0 Termine angelegt (1 gab es schon)" in await again.text()
    past = await client.post("/staff/slots", data={
        "date": "2020-01-01", "time": "10:00", "minutes": "45", "weeks": "1", "csrf_token": staff})
    assert "Bitte gültiges Datum" in await past.text()
    slot_id = hidden_slot_id(text)
    deleted = await client.post(f"/staff/slots/{slot_id}/delete", data={"csrf_token": staff})
    assert (await deleted.text()).count(">Löschen<") == 2


async def test_booked_slot_cannot_be_deleted(client, staff, sessionmaker):
    await _seed(sessionmaker)
    async with sessionmaker() as session:
        slot_id = (await session.scalar(select(Booking))).slot_id
    response = await client.post(f"/staff/slots/{slot_id}/delete", data={"csrf_token": staff})
    text = await response.text()
    assert "Gebuchte Termine können nicht gelöscht werden" in text and "gebucht: ESD-AAAA3" in text


def hidden_slot_id(html: str) -> str:
    return re.search(r'action="/staff/slots/(\d+)/delete"', html).group(1)


async def test_dashboard_chart(client, staff, sessionmaker):
    await _seed(sessionmaker)
    response = await client.get("/staff")
    text = await response.text()
    assert response.status == 200 and "<svg" in text
    # Topic intents appear under the names the bot uses for them (domain/intent_labels.yml).
    assert topic_name("blue_card", "de") in text and topic_name("tax_id", "de") in text
    assert "Deutsch" in text and "Englisch" in text
    assert text.count("<rect") >= 4
    english = await (await client.get("/staff/lang/en?next=/staff")).text()
    assert "Hand-offs per week" in english and "German" in english


def test_every_ui_string_has_german_and_english():
    from bot.web.i18n import STRINGS

    for key, (de, en) in STRINGS.items():
        assert de.strip() and en.strip(), key


def test_every_key_the_templates_use_is_translated():
    from bot.web.i18n import STRINGS
    from bot.web.templating import TEMPLATES

    used = set()
    for path in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", path.read_text()))
    assert used and used <= set(STRINGS), sorted(used - set(STRINGS))


async def test_api_list_without_limit_returns_every_ticket(client, sessionmaker):
    """The contract's form (no paging parameters) lists all tickets, not a first page."""
    now = utcnow()
    async with sessionmaker() as session, session.begin():
        for n in range(105):
            await make_ticket(session, f"ESD-B{n:04d}", language="en", topic="tax_id",
                              email=f"p{n}@example.org", created_at=now - timedelta(minutes=n))
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    everything = await (await client.get("/staff/api/tickets", headers=headers)).json()
    assert len(everything) == 105 and everything[0]["reference"] == "ESD-B0000"
    page = await (await client.get("/staff/api/tickets?limit=10&offset=100", headers=headers)).json()
    assert [t["reference"] for t in page] == [f"ESD-B{n:04d}" for n in range(100, 105)]


async def test_dashboard_lists_the_yearly_figures_to_update(client, staff, monkeypatch):
    from datetime import date

    from rasa_side import knowledge

    year = date.today().year
    figures = {"old_fee": knowledge.Figure("old_fee", year - 1, "https://example.org/fee",
                                           {"de": "10 €", "en": "€10"}),
               "next_fee": knowledge.Figure("next_fee", year + 1, "https://example.org/next",
                                            {"de": "12 €", "en": "€12"})}
    monkeypatch.setattr(knowledge, "load_figures", lambda: figures)
    text = await (await client.get("/staff")).text()
    assert text.index("</title>") < text.index('id="figures"')  # in the page, not its title
    section = text[text.index('id="figures"'):]
    assert "Jahreswerte, die bald ablaufen" in section and "old_fee" in section
    assert "10 €" in section and 'href="https://example.org/fee"' in section
    assert "next_fee" not in section
    monkeypatch.setattr(knowledge, "load_figures", lambda: {"next_fee": figures["next_fee"]})
    english = await (await client.get("/staff/lang/en?next=/staff")).text()
    assert "No yearly figure expires within the next 60 days." in english
