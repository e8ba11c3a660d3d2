"""What the staff's lists (tickets, inbox) share: a filter read from the query string
(invalid values are ignored, not errors), days in the desk's time zone, literal text search,
page numbers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select

# Query-string names of the filter fields that differ from the field names.
_QUERY_NAMES = {"date_from": "from", "date_to": "to"}


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def text(query: Mapping[str, str], key: str, max_length: int) -> str | None:
    return (query.get(key) or "").strip()[:max_length] or None


def page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def page_count(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: ColumnElement, value: str) -> ColumnElement[bool]:
    """Case-insensitive substring match; % and _ in `value` are literal."""
    return column.ilike(f"%{escape_like(value)}%", escape="\\")


def matching(statement: Select, pairs: Iterable[tuple[ColumnElement, Any]]) -> Select:
    """`column == value` for every pair whose value is set."""
    for column, value in pairs:
        if value:
            statement = statement.where(column == value)
    return statement


@dataclass(frozen=True)
class ListFilter:
    """The filter fields every staff list has; subclasses add theirs and `from_query`."""

    status: str | None = None
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None

    # How `as_query` writes "every status" (None: by leaving `status` out).
    EVERY_STATUS: ClassVar[str | None] = None

    @staticmethod
    def common(
        query: Mapping[str, str], *, statuses: Iterable[str], languages: Iterable[str],
        q_max: int, status_default: str | None = None,
    ) -> dict[str, Any]:
        status, language = query.get("status", status_default), query.get("language")
        return {
            "status": status if status in tuple(statuses) else None,
            "language": language if language in tuple(languages) else None,
            "date_from": parse_date(query.get("from")),
            "date_to": parse_date(query.get("to")),
            "q": text(query, "q", q_max),
        }

    def days(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """[start of `date_from`, start of the day after `date_to`) in the desk's time zone."""
        start = datetime.combine(self.date_from, time(), zone) if self.date_from else None
        end = (datetime.combine(self.date_to + timedelta(days=1), time(), zone)
               if self.date_to else None)
        return start, end

    def in_days(
        self, statement: Select, zone: ZoneInfo, first: ColumnElement,
        last: ColumnElement | None = None,
    ) -> Select:
        """Rows whose time span [first, last] (one moment without `last`) overlaps the days."""
        start, end = self.days(zone)
        if start:
            statement = statement.where((first if last is None else last) >= start)
        if end:
            statement = statement.where(first < end)
        return statement

    def as_query(self) -> dict[str, str]:
        """The query string that gives this filter back (for links to other pages)."""
        pairs = {_QUERY_NAMES.get(f.name, f.name): getattr(self, f.name) for f in fields(self)}
        pairs["status"] = pairs["status"] or self.EVERY_STATUS
        return {key: value.isoformat() if isinstance(value, date) else value
                for key, value in pairs.items() if value}
