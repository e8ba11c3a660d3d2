"""Free-slot queries filter by a wished consultation mode; FreeSlot carries the mode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.db.models import ConsultationSlot
from bot.desk.modes import DEFAULT_MODE, MODES, checked_mode
from bot.desk.slots import (
    free_slot, free_slot_at, free_slots_between, has_more_free_slots, next_free_slots, upcoming,
)
from tests.desk.conftest import FIRST, NOW


def test_canonical_values():
    assert MODES == ("desk", "phone", "video") and DEFAULT_MODE == "desk"
    assert [checked_mode(v) for v in ("Video", " phone ", "fax", None, "<desk>")] == [
        "video", "phone", None, None, None]


async def test_mode_filter(sessionmaker, desk_slots, book):
    await book(desk_slots[1])  # the first phone slot is booked
    async with sessionmaker() as session:
        every = await next_free_slots(session, NOW, page_size=10)
        assert [s.mode for s in every] == ["desk", "video", "desk", "phone", "video"]
        phone = await next_free_slots(session, NOW, page_size=10, mode="phone")
        assert [s.id for s in phone] == [desk_slots[4].id]
        video = await next_free_slots(session, NOW, page_size=1, mode="video")
        assert [s.id for s in video] == [desk_slots[2].id]
        assert await has_more_free_slots(session, NOW, page=0, page_size=1, mode="video")
        assert not await has_more_free_slots(session, NOW, page=1, page_size=1, mode="video")
        assert await free_slot_at(session, desk_slots[2].start, NOW, mode="desk") is None
        assert (await free_slot_at(session, desk_slots[2].start, NOW, mode="video")).mode == "video"
        assert await free_slot(session, desk_slots[0].id, NOW, mode="phone") is None
        assert (await free_slot(session, desk_slots[0].id, NOW)).mode == "desk"
        window = await free_slots_between(session, NOW, FIRST, FIRST + timedelta(hours=3),
                                          mode="desk")
        assert [s.id for s in window] == [desk_slots[0].id, desk_slots[3].id]
        assert [row.mode for row in await upcoming(session, NOW)] == [
            "desk", "phone", "video", "desk", "phone", "video"]


async def test_the_database_refuses_an_unknown_mode(sessionmaker):
    with pytest.raises(IntegrityError):
        async with sessionmaker() as session, session.begin():
            session.add(ConsultationSlot(start=FIRST, end=FIRST + timedelta(minutes=30), mode="fax"))


async def test_a_slot_without_a_mode_is_at_the_desk(sessionmaker):
    async with sessionmaker() as session, session.begin():
        session.add(ConsultationSlot(start=FIRST, end=FIRST + timedelta(minutes=30)))
    async with sessionmaker() as session:
        [slot] = await next_free_slots(session, NOW)
    assert slot.mode == "desk"
