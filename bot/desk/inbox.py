"""Review inbox queries: the filtered, prioritised list and the review actions.

Every function takes the session first; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import INBOX_STATUSES, InboxMessage
from bot.settings import PROJECT_ROOT
from bot.staff import Invalid, audit
from bot.training.ingest import FALLBACK_INTENT, LANGUAGES

ACTIONS = ("confirm", "relabel", "out_of_scope", "discard", "reopen")
# Reviewed and waiting for `make export-inbox`.
EXPORTABLE = ("confirmed", "relabelled", "out_of_scope")
OUT_OF_SCOPE = "out_of_scope"
MAX_BULK = 500


def known_intents(root: Path = PROJECT_ROOT) -> list[str]:
    """Intents declared in the domain (a file or the `domain/` folder Rasa merges)."""
    paths = [root / "domain.yml"] if (root / "domain.yml").is_file() else []
    paths += sorted((root / "domain").rglob("*.yml")) if (root / "domain").is_dir() else []
    names: set[str] = set()
    for path in paths:
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        for entry in content.get("intents") or []:
            name = next(iter(entry)) if isinstance(entry, dict) else entry
            if isinstance(name, str):
                names.add(name)
    names.discard(FALLBACK_INTENT)
    return sorted(names)


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows. `status=None` means every status; invalid values are ignored."""

    status: str | None = "new"
    language: str | None = None
    intent: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> InboxFilter:
        status = query.get("status", "new")
        language = query.get("language")
        return cls(
            status=status if status in INBOX_STATUSES else None,  # "all" or "" → every status
            language=language if language in (*LANGUAGES, "none") else None,
            intent=(query.get("intent") or "").strip()[:64] or None,
            date_from=_parse_date(query.get("from")),
            date_to=_parse_date(query.get("to")),
            q=(query.get("q") or "").strip()[:200] or None,
        )

    def as_query(self) -> dict[str, str]:
        pairs = {"status": self.status or "all", "language": self.language, "intent": self.intent,
                 "from": self.date_from and self.date_from.isoformat(),
                 "to": self.date_to and self.date_to.isoformat(), "q": self.q}
        return {key: value for key, value in pairs.items() if value}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(statement: Select, flt: InboxFilter, zone: ZoneInfo) -> Select:
    if flt.status:
        statement = statement.where(InboxMessage.status == flt.status)
    if flt.language == "none":
        statement = statement.where(InboxMessage.language.is_(None))
    elif flt.language:
        statement = statement.where(InboxMessage.language == flt.language)
    if flt.intent:
        statement = statement.where(InboxMessage.intent == flt.intent)
    # A group was asked within [from, to] when its first and last time overlap the
    # range (days in the desk's time zone).
    if flt.date_from:
        statement = statement.where(
            InboxMessage.last_seen_at >= datetime.combine(flt.date_from, time(), zone))
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), time(), zone)
        statement = statement.where(InboxMessage.created_at < end)
    if flt.q:
        statement = statement.where(
            InboxMessage.text.ilike(f"%{_escape_like(flt.q)}%", escape="\\"))
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
    total = await session.scalar(_filtered(select(func.count(InboxMessage.id)), flt, zone)) or 0
    rows = await session.scalars(
        _filtered(select(InboxMessage), flt, zone).order_by(*PRIORITY).limit(limit).offset(offset)
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
    now = utcnow()
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
            detail={"ids": ids[:100], "label": label, "changed": changed},
        )
    return ReviewResult(changed=changed, skipped=len(ids) - changed)
