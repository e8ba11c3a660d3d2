"""INSERT … ON CONFLICT for the two backends the app database runs on."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert(session: AsyncSession, table):
    """The dialect's insert (it has `on_conflict_do_update` / `_do_nothing`)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
