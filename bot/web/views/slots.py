"""Consultation slots page: see upcoming (free and booked), create single/weekly, delete free."""

from __future__ import annotations

from datetime import date, time, timedelta

from aiohttp import web

from bot.db.base import utcnow
from bot.desk import slots as queries
from bot.desk.errors import Invalid
from bot.desk.modes import DEFAULT_MODE, MODES
from bot.web.auth import current_staff
from bot.web.keys import SESSIONMAKER
from bot.web.views.forms import form_fields, redirect, zone
from bot.web.templating import template


@template("staff/slots.html")
async def slot_list(request: web.Request) -> dict:
    now = utcnow()
    async with request.app[SESSIONMAKER]() as session:
        rows = await queries.upcoming(session, now)
    return {"slots": rows, "msg": request.query.get("msg"), "error": request.query.get("error"),
            "count": request.query.get("count", "0"), "skipped": request.query.get("skipped", "0"),
            "today": now.astimezone(zone(request)).date().isoformat(), "modes": MODES,
            "default_mode": DEFAULT_MODE}


def _parse_slot_form(fields: dict[str, str]) -> tuple[date, time, timedelta, int, str]:
    try:
        day = date.fromisoformat(fields.get("date", ""))
        at = time.fromisoformat(fields.get("time", ""))
        minutes = int(fields.get("minutes", "") or 0)
        weeks = int(fields.get("weeks", "1") or 1)
    except ValueError:
        raise Invalid("invalid_slot") from None
    return day, at, timedelta(minutes=minutes), weeks, fields.get("mode") or DEFAULT_MODE


async def slot_create(request: web.Request) -> web.StreamResponse:
    """One form for both: weeks=1 is a single slot, weeks>1 repeats it weekly."""
    location = str(request.app.router["staff_slots"].url_for())
    try:
        day, at, duration, weeks, mode = _parse_slot_form(await form_fields(request))
        starts = queries.weekly_starts(day, at, weeks, zone(request))
        async with request.app[SESSIONMAKER]() as session, session.begin():
            created, skipped = await queries.create_slots(
                session, starts, duration, current_staff(request).id, utcnow(), mode)
    except Invalid as error:
        raise redirect(location, error=str(error))
    raise redirect(location, msg="slots_created", count=str(created), skipped=str(skipped))


async def slot_delete(request: web.Request) -> web.StreamResponse:
    location = str(request.app.router["staff_slots"].url_for())
    try:
        slot_id = int(request.match_info["slot_id"])
        async with request.app[SESSIONMAKER]() as session, session.begin():
            await queries.delete_free_slot(session, slot_id, current_staff(request).id)
    except Invalid as error:
        raise redirect(location, error=str(error))
    raise redirect(location, msg="slot_deleted")
