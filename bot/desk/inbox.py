"""Inbox items (real user questions, redacted by ingestion): the filtered, prioritised list
and the review actions that turn them into training data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import INBOX_STATUSES, InboxMessage
from bot.desk import audit
from bot.desk.errors import Invalid
from bot.desk.intents import FALLBACK_INTENT, known_intents
from bot.desk.languages import LANGUAGES
from bot.desk.listing import ListFilter, contains, matching, text

ACTIONS = ("confirm", "relabel", "out_of_scope", "discard", "reopen")
# Reviewed and waiting for `make export-inbox`.
EXPORTABLE = ("confirmed", "relabelled", "out_of_scope")
OUT_OF_SCOPE = "out_of_scope"
MAX_BULK = 500
NO_LANGUAGE = "none"  # the language filter's value for messages without a detected language


@dataclass(frozen=True)
class InboxFilter(ListFilter):
    """What the inbox shows: new messages unless told otherwise; `status=None` (`all` in the
    query string) means every status."""

    status: str | None = "new"
    intent: str | None = None

    EVERY_STATUS: ClassVar[str | None] = "all"

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> InboxFilter:
        return cls(**cls.common(query, statuses=INBOX_STATUSES, languages=(*LANGUAGES, NO_LANGUAGE),
                                q_max=200, status_default="new"),
                   intent=text(query, "intent", 64))

    def apply(self, statement: Select, zone: ZoneInfo) -> Select:
        statement = matching(statement, [(InboxMessage.status, self.status),
                                         (InboxMessage.intent, self.intent)])
        if self.language == NO_LANGUAGE:
            statement = statement.where(InboxMessage.language.is_(None))
        else:
            statement = matching(statement, [(InboxMessage.language, self.language)])
        # A group was asked within [from, to] when its first and last time overlap the range.
        statement = self.in_days(statement, zone, InboxMessage.created_at,
                                 InboxMessage.last_seen_at)
        if self.q:
            statement = statement.where(contains(InboxMessage.text, self.q))
        return statement


# Fallbacks first, then what the model was least sure about, then the most frequent.
PRIORITY = (
    case((InboxMessage.intent == FALLBACK_INTENT, 0), else_=1),
    case((InboxMessage.confidence.is_(None), 0), else_=1),
    InboxMessage.confidence.asc(),
    InboxMessage.count.desc(),
    InboxMessage.last_seen_at.desc(),
    InboxMessage.id.desc(),
)


async def list_inbox(
    session: AsyncSession, flt: InboxFilter, zone: ZoneInfo, limit: int = 50, offset: int = 0
) -> tuple[list[InboxMessage], int]:
    total = await session.scalar(flt.apply(select(func.count(InboxMessage.id)), zone)) or 0
    rows = await session.scalars(
        flt.apply(select(InboxMessage), zone).order_by(*PRIORITY).limit(limit).offset(offset)
    )
    return list(rows), total


async def status_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(InboxMessage.status, func.count(InboxMessage.id)).group_by(InboxMessage.status))
    counts = dict.fromkeys(INBOX_STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


async def predicted_intents(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(InboxMessage.intent).where(InboxMessage.intent.is_not(None)).distinct())
    return sorted(rows)


def message_json(row: InboxMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "text": row.text,
        "language": row.language,
        "intent": row.intent,
        "confidence": row.confidence,
        "ranking": row.ranking or [],
        "count": row.count,
        "status": row.status,
        "label": row.label,
        "conversation_id": row.conversation_id,
        "created_at": row.created_at.isoformat(),
        "last_seen_at": row.last_seen_at.isoformat(),
        "reviewed_at": row.reviewed_at.isoformat() if row.reviewed_at else None,
    }


@dataclass(frozen=True)
class ReviewResult:
    changed: int
    skipped: int


async def review(
    session: AsyncSession,
    ids: Iterable[int],
    action: str,
    *,
    label: str | None = None,
    reviewer_id: int | None = None,
    intents: Iterable[str] | None = None,
    now: datetime,
) -> ReviewResult:
    """Apply a review action to the given messages (one or many).

    confirm: the predicted intent is right; relabel: `label` is the right intent;
    out_of_scope: the desk does not cover it; discard: not useful as training data;
    reopen: back to new. Exported messages are final; confirming a fallback (no
    intent to confirm) is skipped, as is anything not found.
    """
    ids = sorted({int(i) for i in ids})
    if action not in ACTIONS:
        raise Invalid(f"unknown action {action!r}")
    if not ids:
        raise Invalid("no messages selected")
    if len(ids) > MAX_BULK:
        raise Invalid(f"at most {MAX_BULK} messages at once")
    valid = set(intents if intents is not None else known_intents())
    if action == "relabel" and label not in valid:
        raise Invalid(f"unknown intent {label!r}")
    rows = (await session.scalars(
        select(InboxMessage).where(InboxMessage.id.in_(ids)).with_for_update())).all()
    changed = 0
    for row in rows:
        if row.status == "exported":
            continue
        if action == "confirm":
            if row.intent in (None, FALLBACK_INTENT) or row.intent not in valid:
                continue
            row.status, row.label = "confirmed", row.intent
            if row.intent == OUT_OF_SCOPE:
                row.status = "out_of_scope"
        elif action == "relabel":
            row.status, row.label = ("out_of_scope" if label == OUT_OF_SCOPE else "relabelled"), label
        elif action == "out_of_scope":
            row.status, row.label = "out_of_scope", OUT_OF_SCOPE
        elif action == "discard":
            row.status, row.label = "discarded", None
        else:
            row.status, row.label = "new", None
        row.reviewed_at = None if action == "reopen" else now
        row.reviewed_by_id = None if action == "reopen" else reviewer_id
        changed += 1
    if changed:
        await audit.record(
            session, reviewer_id, f"inbox_{action}",
            target=f"inbox:{ids[0]}" if len(ids) == 1 else f"inbox:{len(ids)} messages",
            detail={"ids": ids[:100], "label": label, "changed": changed}, now=now,
        )
    return ReviewResult(changed=changed, skipped=len(ids) - changed)
