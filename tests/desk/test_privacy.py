"""Export, erasure and retention purge (bot.desk.privacy) over every store a stack has: the app
database and a Rasa-shaped `events` table on SQLite and PostgreSQL, the outbox, the logs."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text, update

from bot.db.models import (
    AuditLog,
    Booking,
    ConsultationSlot,
    InboxMessage,
    StaffSession,
    StaffUser,
    Ticket,
)
from bot.desk import privacy
from bot.desk.rasa_events import EventStore, event_stores
from bot.desk.retention import BadRetention, Retention
from bot.desk.slots import is_booked
from tests.desk.conftest import NOW

EMAIL, NAME = "Zofia.Wrobel-7731@example.org", "Zofia Wróbel-Kasprzak"
OTHER_EMAIL, OTHER_NAME = "li.wei.2048@example.net", "Li Wei"
SECRET = "test-secret"

# Rasa 3.6's SQL tracker store table (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent).
EVENTS_DDL = ("CREATE TABLE events (id {pk}, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255)"
              " NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255),"
              " data TEXT)")


def _sync(url: str) -> str:
    return url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")


@pytest.fixture
def events_url(database_url, tmp_path) -> str:
    """Rasa's events table beside the app database, on the same backend."""
    if database_url.startswith("sqlite"):
        url, pk = f"sqlite:///{tmp_path / 'rasa_tracker.db'}", "INTEGER PRIMARY KEY AUTOINCREMENT"
    else:
        url, pk = _sync(database_url), "SERIAL PRIMARY KEY"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(EVENTS_DDL.format(pk=pk)))
    engine.dispose()
    return url


def add_events(url: str, sender: str, texts: list[str], when: datetime) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for i, said in enumerate(texts):
            stamp = when.timestamp() + i
            kind = "user" if i % 2 == 0 else "bot"
            conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                              "VALUES (:s, :k, :t, :d)"),
                         {"s": sender, "k": kind, "t": stamp,
                          "d": json.dumps({"event": kind, "text": said, "timestamp": stamp})})
    engine.dispose()


def events_of(url: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, sender_id, data FROM events ORDER BY id")).all()
    engine.dispose()
    return rows


def sqlite_bytes(url: str) -> bytes:
    """The database file and any journal or WAL beside it."""
    path = Path(url.split(":///", 1)[1])
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.fixture
def stores(events_url, tmp_path) -> privacy.Stores:
    (tmp_path / "outbox").mkdir()
    (tmp_path / "logs").mkdir()
    return privacy.Stores(event_stores(events_url, None), tmp_path / "outbox", tmp_path / "logs")


def write_mail(folder: Path, to: str, body: str, name: str) -> Path:
    message = EmailMessage()
    message["To"], message["Subject"] = to, "Ihr Termin"
    message.set_content(body)  # non-ASCII bodies are encoded (QP/base64): search decodes them
    path = folder / name
    path.write_bytes(bytes(message))
    return path


@pytest.fixture
async def two_clients(sessionmaker, desk_slots, book, stores, events_url):
    """Zofia (future booking, conversation conv-z) and Li (conv-l), with traces everywhere."""
    await book(desk_slots[0], email=EMAIL, name=NAME, conversation_id="conv-z")
    await book(desk_slots[1], email=OTHER_EMAIL, name=OTHER_NAME, conversation_id="conv-l")
    add_events(events_url, "conv-z", ["Termin bitte", "Ihr Name?", f"{NAME}, {EMAIL}", "Danke"], NOW)
    add_events(events_url, "conv-l", ["appointment", "name?", f"{OTHER_NAME} {OTHER_EMAIL}"], NOW)
    async with sessionmaker() as session, session.begin():
        session.add_all([
            InboxMessage(text="Wie lange dauert die Blaue Karte?", text_hash="h1", conversation_id="conv-z",
                         created_at=NOW, last_seen_at=NOW),
            InboxMessage(text="how long for a blue card?", text_hash="h2", conversation_id="conv-l",
                         created_at=NOW, last_seen_at=NOW),
        ])
    write_mail(stores.outbox, EMAIL, f"Guten Tag {NAME}, Ihr Termin …", "a.eml")
    write_mail(stores.outbox, OTHER_EMAIL, f"Dear {OTHER_NAME}", "b.eml")
    (stores.logs / "web.log").write_text(f"INFO booked\nERROR tracker {EMAIL}\nINFO other\n")


async def test_erasure_leaves_no_trace_of_the_address_or_the_name(
    database_url, sessionmaker, stores, events_url, two_clients, desk_slots
):
    counts = await privacy.erase(sessionmaker, stores, EMAIL.upper(), SECRET, NOW, None)

    assert counts["tickets"] == 1 and counts["bookings_cancelled"] == 1 and counts["inbox"] == 1
    assert counts["tracker_store"] == 4 and counts["outbox"] == 1 and counts["log_lines"] == 1
    async with sessionmaker() as session:
        assert not await is_booked(session, desk_slots[0].id)  # the slot is free again
        emails = set(await session.scalars(select(Ticket.email)))
        assert emails == {OTHER_EMAIL}
        inbox = set(await session.scalars(select(InboxMessage.conversation_id)))
        assert inbox == {"conv-l"}
        entry = (await session.scalars(select(AuditLog).where(AuditLog.action == "privacy.erase"))).one()
    assert entry.target == privacy.address_key(SECRET, EMAIL) and EMAIL.lower() not in json.dumps(
        entry.detail).lower()
    rows = events_of(events_url)
    assert {r[1] for r in rows} == {"conv-l"}
    dump = "\n".join(r[2] for r in rows)
    assert EMAIL not in dump and NAME not in dump and OTHER_EMAIL in dump
    assert [p.name for p in stores.outbox.iterdir()] == ["b.eml"]
    assert EMAIL not in (stores.logs / "web.log").read_text()
    if events_url.startswith("sqlite"):  # deleted pages and the WAL hold nothing either
        for url in (events_url, _sync(database_url)):
            raw = sqlite_bytes(url)
            assert EMAIL.encode() not in raw and NAME.encode() not in raw
            assert OTHER_EMAIL.encode() in raw


async def test_the_newest_event_row_is_blanked_not_deleted(sessionmaker, stores, events_url,
                                                            two_clients):
    """Ingestion reads by row id; a table whose newest id fell would be read again from 0."""
    add_events(events_url, "conv-z", [f"noch eine Frage, {NAME}"], NOW + timedelta(minutes=5))
    newest = events_of(events_url)[-1][0]
    await privacy.erase(sessionmaker, stores, EMAIL, SECRET, NOW, None)
    rows = events_of(events_url)
    assert rows[-1][0] == newest and json.loads(rows[-1][2])["event"] == "action"
    assert NAME not in rows[-1][2]


async def test_erasing_an_unknown_address_changes_nothing(sessionmaker, stores, events_url,
                                                           two_clients):
    before = events_of(events_url)
    counts = await privacy.erase(sessionmaker, stores, "nobody@example.org", SECRET, NOW, None)
    assert counts["tickets"] == 0 and counts["tracker_store"] == 0
    assert events_of(events_url) == before and len(list(stores.outbox.iterdir())) == 2


async def test_export_holds_tickets_bookings_and_the_conversation(sessionmaker, stores, two_clients):
    data = await privacy.export(sessionmaker, stores, EMAIL)
    assert data["email"] == EMAIL.lower()
    assert [t["name"] for t in data["tickets"]] == [NAME]
    assert len(data["bookings"]) == 1 and data["bookings"][0]["cancelled_at"] is None
    assert data["conversations"][0]["conversation_id"] == "conv-z"
    assert [m["text"] for m in data["conversations"][0]["messages"]][2] == f"{NAME}, {EMAIL}"
    assert OTHER_EMAIL not in json.dumps(data)
    assert (await privacy.export(sessionmaker, stores, "nobody@example.org"))["tickets"] == []


def test_retention_periods_parse_and_refuse_bad_input():
    assert Retention.parse("conversations=14, tickets=90").days["tickets"] == 90
    assert Retention.parse(None).days["conversations"] == 30
    for bad in ("unknown=3", "tickets=-1", "tickets=abc", "tickets"):
        with pytest.raises(BadRetention):
            Retention.parse(bad)


async def test_purge_removes_what_is_due_in_every_store(sessionmaker, stores, events_url,
                                                         desk_slots, book):
    now = NOW + timedelta(days=400)
    old, recent = NOW - timedelta(days=40), now - timedelta(days=1)
    # Held consultation long ago (due), and a future one (kept).
    await book(desk_slots[0], email=EMAIL, name=NAME, conversation_id="conv-held")
    add_events(events_url, "conv-held", ["Termin", f"{EMAIL}"], old)
    add_events(events_url, "conv-stale", ["hallo"], now - timedelta(days=31))
    add_events(events_url, "conv-fresh", ["hello"], recent)
    async with sessionmaker() as session, session.begin():
        future = ConsultationSlot(start=now + timedelta(days=2), end=now + timedelta(days=2, hours=1))
        session.add(future)
        session.add_all([
            InboxMessage(text="alt", text_hash="old", created_at=old, last_seen_at=now - timedelta(days=366)),
            InboxMessage(text="neu", text_hash="new", created_at=recent, last_seen_at=recent),
            AuditLog(action="ticket.status", created_at=now - timedelta(days=731)),
        ])
        user = StaffUser(email="s@example.org", password_hash="x")
        session.add(user)
        await session.flush()
        session.add(StaffSession(id="s1", user_id=user.id, csrf_token="c", expires_at=now - timedelta(hours=1)))
    await book(future, booked_at=now - timedelta(days=1), email=OTHER_EMAIL, conversation_id="conv-next")
    async with sessionmaker() as session, session.begin():  # last changed long ago, still to come
        await session.execute(update(Ticket).values(updated_at=NOW))
    old_mail = write_mail(stores.outbox, EMAIL, "x", "old.eml")
    os.utime(old_mail, (old.timestamp(), old.timestamp()))
    new_mail = write_mail(stores.outbox, OTHER_EMAIL, "y", "new.eml")
    os.utime(new_mail, (recent.timestamp(), recent.timestamp()))

    counts = await privacy.purge(sessionmaker, stores, Retention(), now)

    assert counts["tickets"] == 1 and counts["inbox"] == 1 and counts["audit"] == 1
    assert counts["staff_sessions"] == 1 and counts["outbox"] == 1
    assert counts["conversations"] == 2  # conv-stale (no ticket) and conv-held (its ticket went)
    assert {r[1] for r in events_of(events_url)} == {"conv-fresh"}
    async with sessionmaker() as session:
        assert set(await session.scalars(select(Ticket.email))) == {OTHER_EMAIL}
        assert (await session.scalar(select(Booking.slot_id).where(Booking.slot_id == future.id)))
        assert set(await session.scalars(select(InboxMessage.text))) == {"neu"}
        assert await session.scalar(select(AuditLog).where(AuditLog.action == "privacy.purge"))
    assert [p.name for p in stores.outbox.iterdir()] == ["new.eml"]
    # A second run finds nothing more.
    again = await privacy.purge(sessionmaker, stores, Retention(), now)
    assert again["tickets"] == again["conversations"] == again["inbox"] == 0


async def test_a_missing_events_database_is_no_error(tmp_path):
    store = EventStore(f"sqlite:///{tmp_path / 'absent.db'}", "tracker_store")
    assert await store.delete_senders(["x"]) == 0 and await store.senders_idle_since(0) == []
    assert not (tmp_path / "absent.db").exists()
    assert event_stores("a", "a") == [EventStore("a", "tracker_store")]
