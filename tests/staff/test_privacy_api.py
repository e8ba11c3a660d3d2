"""The privacy API of contracts.md through the real web app: who may use it, bad input, and
that export and erasure reach the app database and Rasa's events (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from bot.db.base import utcnow
from bot.db.models import AuditLog, ConsultationSlot, Ticket
from bot.desk.privacy import address_key
from bot.desk.staff_users import upsert_user
from bot.web.keys import SESSIONMAKER
from tests.desk.test_privacy import EVENTS_DDL, add_events, events_of
from tests.staff.conftest import API_TOKEN, log_in
from tests.staff.factories import make_ticket

EMAIL = "Marta.Kowalczyk.5519@example.org"
BEARER = {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture
def settings(settings, tmp_path):
    """The app's stores in the test's own folder: Rasa's tracker store is a SQLite file."""
    url = f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(EVENTS_DDL.format(pk="INTEGER PRIMARY KEY AUTOINCREMENT")))
    engine.dispose()
    (tmp_path / "logs").mkdir()
    return replace(settings, tracker_db_url=url, events_db_url=url, log_dir=tmp_path / "logs")


@pytest.fixture
async def marta(client, settings):
    sm = client.app[SESSIONMAKER]
    async with sm() as session, session.begin():
        ticket = await make_ticket(session, "ESD-PRIV1", email=EMAIL, name="Marta Kowalczyk",
                                   slot_start=utcnow() + timedelta(days=3))
        await make_ticket(session, "ESD-PRIV2", email="other@example.org", name="Other Person")
        conversation = ticket.conversation_id
    add_events(settings.tracker_db_url, conversation, ["Termin", f"Marta Kowalczyk {EMAIL}"], utcnow())
    return sm


async def test_export_and_erase_with_the_api_token(client, settings, marta):
    exported = await client.get("/staff/api/privacy/export", params={"email": EMAIL.lower()},
                                headers=BEARER)
    assert exported.status == 200
    data = await exported.json()
    assert [t["reference"] for t in data["tickets"]] == ["ESD-PRIV1"]
    assert len(data["bookings"]) == 1
    assert data["conversations"][0]["messages"][1]["text"].startswith("Marta Kowalczyk")

    erased = await client.post("/staff/api/privacy/erase", json={"email": EMAIL}, headers=BEARER)
    assert erased.status == 200
    counts = (await erased.json())["erased"]
    assert counts["tickets"] == 1 and counts["bookings_cancelled"] == 1
    assert counts["tracker_store"] == 2
    async with marta() as session:
        assert set(await session.scalars(select(Ticket.reference))) == {"ESD-PRIV2"}
        slot = await session.scalar(select(ConsultationSlot))
        assert slot is not None  # the slot stays, free again
        targets = set(await session.scalars(select(AuditLog.target).where(
            AuditLog.action.in_(("privacy.export", "privacy.erase")))))
    assert targets == {address_key(settings.secret_key, EMAIL)}
    assert not any(EMAIL in row[2] for row in events_of(settings.tracker_db_url))
    again = await client.get("/staff/api/privacy/export", params={"email": EMAIL}, headers=BEARER)
    assert (await again.json())["tickets"] == []


async def test_an_admin_session_may_a_staff_member_may_not(client, settings, marta):
    csrf = await log_in(client)  # the bootstrap account is an admin
    ok = await client.post("/staff/api/privacy/erase", json={"email": EMAIL},
                           headers={"X-CSRF-Token": csrf})
    assert ok.status == 200
    async with marta() as session, session.begin():
        await upsert_user(session, "staff@example.org", "another long password", role="staff")
    await client.post("/staff/logout", data={"csrf_token": csrf})
    await log_in(client, "staff@example.org", "another long password")
    refused = await client.get("/staff/api/privacy/export", params={"email": EMAIL})
    assert refused.status == 403


async def test_without_credentials_nothing_is_shown(client, marta):
    response = await client.get("/staff/api/privacy/export", params={"email": EMAIL})
    assert response.status == 401
    response = await client.post("/staff/api/privacy/erase", json={"email": EMAIL})
    assert response.status == 401


@pytest.mark.parametrize("body", ['"abc"', "[1]", "7", "null", "", "{", '{"email": 5}',
                                  '{"email": "not an address"}', '{"email": "%"}', '{}'])
async def test_bad_input_is_refused_and_changes_nothing(client, marta, body):
    response = await client.post("/staff/api/privacy/erase", data=body,
                                 headers={**BEARER, "Content-Type": "application/json"})
    assert response.status == 400
    assert (await response.json())["error"] in ("json_object_required", "email_required",
                                                "email_invalid")
    async with marta() as session:
        assert len((await session.scalars(select(Ticket))).all()) == 2


@pytest.mark.parametrize("query", [{}, {"email": ""}, {"email": "%@%"}, {"email": "x" * 400}])
async def test_export_needs_a_valid_address(client, marta, query):
    response = await client.get("/staff/api/privacy/export", params=query, headers=BEARER)
    assert response.status == 400


async def test_the_privacy_page_erases_after_confirmation_in_both_languages(client, settings, marta):
    csrf = await log_in(client)
    page = await client.get("/staff/privacy")
    assert page.status == 200 and "Datenschutz" in await page.text()
    unconfirmed = await client.post("/staff/privacy/erase", data={
        "email": EMAIL, "csrf_token": csrf}, allow_redirects=False)
    assert "privacy_not_confirmed" in unconfirmed.headers["Location"]
    bad = await client.post("/staff/privacy/erase", data={
        "email": "no address", "confirm": "yes", "csrf_token": csrf})
    assert "gültige E-Mail-Adresse" in await bad.text()
    async with marta() as session:
        assert len((await session.scalars(select(Ticket))).all()) == 2  # nothing changed yet
    done = await client.post("/staff/privacy/erase", data={
        "email": EMAIL, "confirm": "yes", "csrf_token": csrf})
    assert "Gelöscht: 1 Anfrage(n), 1 Gesprächsverlauf" in await done.text()
    await client.get("/staff/lang/en")
    english = await client.get("/staff/privacy")
    assert "Privacy: export and erasure" in await english.text()
    audit_page = await client.get("/staff/audit")
    assert "data erased" in await audit_page.text()
    no_csrf = await client.post("/staff/privacy/erase", data={"email": EMAIL, "confirm": "yes"})
    assert no_csrf.status == 403


async def test_staff_without_the_admin_role_see_no_privacy_page(client, marta):
    async with marta() as session, session.begin():
        await upsert_user(session, "staff@example.org", "another long password", role="staff")
    await log_in(client, "staff@example.org", "another long password")
    assert (await client.get("/staff/privacy")).status == 403
    assert "/staff/privacy" not in await (await client.get("/staff/tickets")).text()
