"""Where ingestion stands: the cursor (last event row read) and each conversation's state.

Both are saved in the app database in the same transaction as the inbox rows of a batch.
The state is persisted rather than rebuilt after a restart by re-reading a conversation's
earlier events: re-reading needs one query per conversation on Rasa's table (the broker's
table has no index on sender_id, and a long conversation means many rows), while saved
state costs one read and a few upserts per batch and, moving with the cursor, is exactly
the state at the position reading resumes from. The cursor moves with a compare-and-set,
so a second consumer's batch is rolled back whole (inbox rows and states with it) instead
of counting messages twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import IngestConversation, IngestCursor
from bot.ingest.conversation import ConversationState, OpenTurn
from bot.ingest.upsert import insert

CURSOR_NAME = "rasa_events"


class CursorMoved(RuntimeError):
    """Another consumer advanced the cursor meanwhile; this batch is rolled back."""


async def cursor_position(session: AsyncSession, name: str = CURSOR_NAME) -> int:
    position = await session.scalar(select(IngestCursor.position).where(IngestCursor.name == name))
    if position is None:
        await session.execute(insert(session, IngestCursor).values(name=name, position=0)
                              .on_conflict_do_nothing(index_elements=["name"]))
        return 0
    return position


async def advance_cursor(session: AsyncSession, start: int, position: int,
                         name: str = CURSOR_NAME) -> None:
    """Move the cursor from `start` to `position`, or raise CursorMoved."""
    moved = await session.execute(
        update(IngestCursor)
        .where(IngestCursor.name == name, IngestCursor.position == start)
        .values(position=position)
    )
    if moved.rowcount != 1:
        raise CursorMoved


async def load_states(session: AsyncSession, ids: Iterable[str]) -> dict[str, ConversationState]:
    """The saved state of each conversation in `ids` that has one."""
    ids = list(ids)
    if not ids:
        return {}
    rows = await session.scalars(
        select(IngestConversation).where(IngestConversation.conversation_id.in_(ids)))
    return {
        row.conversation_id: ConversationState(
            language=row.language, requested_slot=row.requested_slot, active_loop=row.active_loop,
            turn=OpenTurn.from_json(row.open_turn) if row.open_turn else None,
        )
        for row in rows
    }


async def save_states(session: AsyncSession, states: dict[str, ConversationState]) -> None:
    # Sorted: two consumers on PostgreSQL then lock rows in the same order (no deadlock).
    for conversation_id in sorted(states):
        state = states[conversation_id]
        values = {
            "language": state.language, "requested_slot": _name(state.requested_slot),
            "active_loop": _name(state.active_loop),
            "open_turn": state.turn.to_json() if state.turn else None, "updated_at": utcnow(),
        }
        statement = insert(session, IngestConversation).values(conversation_id=conversation_id, **values)
        await session.execute(statement.on_conflict_do_update(
            index_elements=["conversation_id"], set_=values))


def _name(value: object) -> str | None:
    """A slot or form name as the column holds it (an odd value must not stop ingestion)."""
    return None if value is None else str(value)[:64]
