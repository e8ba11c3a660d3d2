"""Captured messages into the inbox, identical redacted texts grouped (`count`)."""

from __future__ import annotations

import hashlib

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import InboxMessage
from bot.ingest.capture import Captured
from bot.ingest.upsert import insert


def text_hash(redacted: str) -> str:
    """Grouping key: the same words regardless of case and spacing are one question."""
    return hashlib.sha256(" ".join(redacted.casefold().split()).encode()).hexdigest()


async def store(session: AsyncSession, item: Captured) -> None:
    """Insert the message, or count it on the group of the same redacted text."""
    statement = insert(session, InboxMessage).values(
        text=item.text,
        text_hash=text_hash(item.text),
        count=1,
        language=item.language,
        intent=item.intent,
        confidence=item.confidence,
        ranking=item.ranking,
        conversation_id=item.conversation_id,
        status="new",
        created_at=item.timestamp,
        last_seen_at=item.timestamp,
    )
    excluded = statement.excluded
    # The newest prediction wins (it comes from the newest model); review state stays.
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["text_hash"],
            set_={
                "count": InboxMessage.count + 1,
                "last_seen_at": excluded.last_seen_at,
                "intent": excluded.intent,
                "confidence": excluded.confidence,
                "ranking": excluded.ranking,
                "conversation_id": excluded.conversation_id,
                "language": excluded.language,
            },
        )
    )
