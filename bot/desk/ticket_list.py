"""The staff's ticket list: filtered, newest first, in pages (the list page) or whole
(the JSON API, the CSV export)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import Ticket
from bot.desk.languages import LANGUAGES
from bot.desk.listing import ListFilter, contains, matching, page_count, text
from bot.desk.ticket_status import TICKET_STATUSES

PER_PAGE = 50
_NEWEST_FIRST = (Ticket.created_at.desc(), Ticket.id.desc())


@dataclass(frozen=True)
class TicketFilter(ListFilter):
    topic: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> TicketFilter:
        return cls(**cls.common(query, statuses=TICKET_STATUSES, languages=LANGUAGES, q_max=320),
                   topic=text(query, "topic", 64))

    def apply(self, statement: Select, zone: ZoneInfo) -> Select:
        statement = matching(statement, [(Ticket.status, self.status),
                                         (Ticket.language, self.language),
                                         (Ticket.topic, self.topic)])
        statement = self.in_days(statement, zone, Ticket.created_at)
        if self.q:
            statement = statement.where(or_(contains(Ticket.reference, self.q),
                                            contains(Ticket.email, self.q)))
        return statement


@dataclass
class TicketPage:
    tickets: list[Ticket]
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = page_count(self.total, self.per_page)


async def _count(session: AsyncSession, flt: TicketFilter, zone: ZoneInfo) -> int:
    return await session.scalar(flt.apply(select(func.count(Ticket.id)), zone)) or 0


async def list_tickets(
    session: AsyncSession, flt: TicketFilter, zone: ZoneInfo, page: int = 1,
    per_page: int = PER_PAGE,
) -> TicketPage:
    total = await _count(session, flt, zone)
    page = min(max(1, page), page_count(total, per_page))
    tickets = await session.scalars(
        flt.apply(select(Ticket), zone)
        .options(selectinload(Ticket.booking), selectinload(Ticket.assigned_to))
        .order_by(*_NEWEST_FIRST)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return TicketPage(list(tickets), total, page, per_page)


async def tickets_with_transcripts(
    session: AsyncSession, flt: TicketFilter, zone: ZoneInfo, limit: int | None, offset: int = 0,
) -> tuple[list[Ticket], int]:
    """For the JSON API and the CSV export: newest first, everything loaded."""
    total = await _count(session, flt, zone)
    tickets = await session.scalars(
        flt.apply(select(Ticket), zone)
        .options(selectinload(Ticket.booking), selectinload(Ticket.transcript),
                 selectinload(Ticket.assigned_to))
        .order_by(*_NEWEST_FIRST)
        .limit(limit)
        .offset(offset)
    )
    return list(tickets), total


async def topics(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(Ticket.topic).where(Ticket.topic.is_not(None)).distinct().order_by(Ticket.topic)
    )
    return list(rows)
