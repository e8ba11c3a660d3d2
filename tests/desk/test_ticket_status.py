"""Ticket statuses are written once: the workflow's keys, and the database constraint from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint
from sqlalchemy.exc import IntegrityError

from bot.db.migrate import alembic_config
from bot.db.models import Ticket
from bot.desk.ticket_status import TICKET_STATUSES, TRANSITIONS, allowed


def test_the_workflow_names_only_statuses():
    assert TICKET_STATUSES == ("open", "in_progress", "done", "cancelled")
    assert all(set(targets) <= set(TICKET_STATUSES) for targets in TRANSITIONS.values())
    assert allowed("open", "cancelled") and not allowed("open", "done")
    assert not allowed("bogus", "open")


def test_the_constraint_is_derived_and_matches_the_first_migration():
    [check] = [c for c in Ticket.__table__.constraints
               if isinstance(c, CheckConstraint) and c.name.endswith("ticket_status")]
    text = str(check.sqltext)
    assert text == "status IN ('open', 'in_progress', 'done', 'cancelled')"
    # Alembic does not compare check constraints: the historic migration must say the same.
    versions = Path(alembic_config().get_main_option("script_location"), "versions")
    [first] = versions.glob("0001_*.py")
    assert f'"{text}"' in first.read_text()


async def test_the_database_refuses_an_unknown_status(sessionmaker):
    with pytest.raises(IntegrityError):
        async with sessionmaker() as session, session.begin():
            session.add(Ticket(reference="ESD-AAAA2", status="archived", language="en"))
