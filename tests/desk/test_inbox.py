"""Inbox list (priority order, filters) and review actions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.db.models import AuditLog, InboxMessage
from bot.desk.errors import Invalid
from bot.desk.inbox import InboxFilter, list_inbox, review, status_counts
from bot.desk.intents import known_intents
from bot.ingest.inbox import text_hash

ZONE = ZoneInfo("Europe/Berlin")
INTENTS = ["blue_card", "tax_id", "out_of_scope", "greet"]
DAY = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
NOW = DAY + timedelta(days=10)  # the reviewer's clock, passed in


async def add(session, text, intent, confidence, *, language="en", count=1, days=0, status="new"):
    row = InboxMessage(text=text, text_hash=text_hash(text), intent=intent, confidence=confidence,
                       language=language, count=count, status=status,
                       created_at=DAY + timedelta(days=days), last_seen_at=DAY + timedelta(days=days))
    session.add(row)
    await session.flush()
    return row


@pytest.fixture
async def filled(sessionmaker):
    async with sessionmaker() as s, s.begin():
        rows = {
            "sure": await add(s, "Blue Card salary?", "blue_card", 0.97, count=9),
            "unsure": await add(s, "Steuer ID verloren", "tax_id", 0.41, language="de", days=1),
            "fallback": await add(s, "hmm what about the thing", "nlu_fallback", 0.30, days=2),
            "fallback_low": await add(s, "asdf", "nlu_fallback", 0.12, language=None, days=3),
            "middle": await add(s, "Blue card for nurses", "blue_card", 0.62, count=3, days=4),
            "done": await add(s, "hello", "greet", 0.99, status="confirmed", days=5),
        }
    return {k: v.id for k, v in rows.items()}


async def texts(sessionmaker, flt=InboxFilter()):
    async with sessionmaker() as s:
        rows, total = await list_inbox(s, flt, ZONE)
    assert total == len(rows)
    return [r.text for r in rows]


async def test_fallbacks_then_lowest_confidence_first(sessionmaker, filled):
    assert await texts(sessionmaker) == [
        "asdf", "hmm what about the thing", "Steuer ID verloren", "Blue card for nurses", "Blue Card salary?",
    ]


async def test_filters(sessionmaker, filled):
    assert await texts(sessionmaker, InboxFilter(language="de")) == ["Steuer ID verloren"]
    assert await texts(sessionmaker, InboxFilter(language="none")) == ["asdf"]
    assert await texts(sessionmaker, InboxFilter(intent="blue_card")) == ["Blue card for nurses", "Blue Card salary?"]
    assert await texts(sessionmaker, InboxFilter(q="blue CARD")) == ["Blue card for nurses", "Blue Card salary?"]
    assert await texts(sessionmaker, InboxFilter(q="100%")) == []
    assert await texts(sessionmaker, InboxFilter(status="confirmed")) == ["hello"]
    assert len(await texts(sessionmaker, InboxFilter(status=None))) == 6
    one_day = InboxFilter(date_from=DAY.date() + timedelta(days=1), date_to=DAY.date() + timedelta(days=2))
    assert await texts(sessionmaker, one_day) == ["hmm what about the thing", "Steuer ID verloren"]


def test_filter_from_query_string():
    flt = InboxFilter.from_query({"status": "all", "language": "xx", "q": "  visa ", "from": "bad"})
    assert flt == InboxFilter(status=None, language=None, q="visa")
    assert InboxFilter.from_query({}).status == "new"
    assert InboxFilter.from_query({"status": "out_of_scope", "language": "de"}).as_query() == {
        "status": "out_of_scope", "language": "de"}


async def test_review_actions_single_and_bulk(sessionmaker, filled):
    async with sessionmaker() as s, s.begin():
        # bulk confirm: the fallback has no intent to confirm and is skipped
        done = await review(s, [filled["sure"], filled["middle"], filled["fallback"]], "confirm", intents=INTENTS, now=NOW)
        assert (done.changed, done.skipped) == (2, 1)
        assert (await review(s, [filled["fallback"]], "relabel", label="tax_id", intents=INTENTS, now=NOW)).changed == 1
        assert (await review(s, [filled["unsure"]], "out_of_scope", intents=INTENTS, now=NOW)).changed == 1
        assert (await review(s, [filled["fallback_low"]], "discard", intents=INTENTS, now=NOW)).changed == 1
        with pytest.raises(Invalid):
            await review(s, [filled["sure"]], "relabel", label="no_such_intent", intents=INTENTS, now=NOW)
        with pytest.raises(Invalid):
            await review(s, [], "confirm", intents=INTENTS, now=NOW)
        with pytest.raises(Invalid):
            await review(s, [filled["sure"]], "delete", intents=INTENTS, now=NOW)
    async with sessionmaker() as s:
        rows = {r.id: r for r in await s.scalars(select(InboxMessage))}
        audit = (await s.scalars(select(AuditLog.action).order_by(AuditLog.id))).all()
        counts = await status_counts(s)
    assert (rows[filled["sure"]].status, rows[filled["sure"]].label) == ("confirmed", "blue_card")
    assert (rows[filled["fallback"]].status, rows[filled["fallback"]].label) == ("relabelled", "tax_id")
    assert (rows[filled["unsure"]].status, rows[filled["unsure"]].label) == ("out_of_scope", "out_of_scope")
    assert rows[filled["fallback_low"]].status == "discarded"
    assert rows[filled["sure"]].reviewed_at == NOW
    assert audit == ["inbox_confirm", "inbox_relabel", "inbox_out_of_scope", "inbox_discard"]
    assert counts["new"] == 0 and counts["confirmed"] == 3 and counts["exported"] == 0
    assert await texts(sessionmaker) == []

    async with sessionmaker() as s, s.begin():
        assert (await review(s, [filled["unsure"]], "reopen", intents=INTENTS, now=NOW)).changed == 1
    assert await texts(sessionmaker) == ["Steuer ID verloren"]


def test_known_intents_come_from_the_domain():
    intents = known_intents()
    assert {"greet", "goodbye", "help"} <= set(intents)
    assert "nlu_fallback" not in intents
