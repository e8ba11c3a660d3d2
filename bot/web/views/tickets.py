"""Staff ticket pages: list, CSV export, detail, status, notes, assignment."""

from __future__ import annotations

import csv
import io

from aiohttp import web

from bot.db.base import utcnow
from bot.staff import Invalid, audit
from bot.staff import tickets as queries
from bot.staff.users import list_active
from bot.web.auth import current_staff
from bot.web.keys import SESSIONMAKER
from bot.web.views.forms import form_fields, redirect, zone
from bot.web.templating import template

EXPORT_LIMIT = 100_000


@template("staff/tickets.html")
async def ticket_list(request: web.Request) -> dict:
    flt = queries.TicketFilter.from_query(request.query)
    async with request.app[SESSIONMAKER]() as session:
        page = await queries.list_tickets(session, flt, zone(request),
                                          page=queries.page_number(request.query.get("page")))
        topics = await queries.topics(session)
    return {"page": page, "flt": flt, "filter_query": flt.as_query(), "topics": topics,
            "statuses": queries.TRANSITIONS.keys(), "languages": queries.LANGUAGES}


async def ticket_export(request: web.Request) -> web.StreamResponse:
    flt = queries.TicketFilter.from_query(request.query)
    tz = zone(request)
    async with request.app[SESSIONMAKER]() as session, session.begin():
        tickets, _ = await queries.tickets_with_transcripts(session, flt, tz, EXPORT_LIMIT)
        await audit.record(session, current_staff(request).id, "tickets_export", None,
                           {"filter": flt.as_query(), "rows": len(tickets)})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(queries.CSV_COLUMNS)
    writer.writerows(queries.csv_row(ticket, tz) for ticket in tickets)
    stamp = utcnow().astimezone(tz).strftime("%Y%m%d-%H%M")
    return web.Response(
        body=buffer.getvalue().encode("utf-8-sig"),  # BOM: Excel opens umlauts correctly
        content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="tickets-{stamp}.csv"'},
    )


@template("staff/ticket.html")
async def ticket_detail(request: web.Request) -> dict:
    reference = request.match_info["reference"]
    async with request.app[SESSIONMAKER]() as session:
        ticket = await queries.get_ticket(session, reference)
        users = await list_active(session)
        history, _ = await audit.recent(session, target=ticket.reference, limit=50)
    return {"ticket": ticket, "users": users, "history": history,
            "transitions": queries.TRANSITIONS.get(ticket.status, ()),
            "msg": request.query.get("msg"), "error": request.query.get("error")}


async def _change(request: web.Request, change) -> web.StreamResponse:
    """Run one change on the ticket, then redirect back to it (with an error key if refused)."""
    reference = request.match_info["reference"]
    fields = await form_fields(request)
    location = str(request.app.router["staff_ticket"].url_for(reference=reference))
    try:
        async with request.app[SESSIONMAKER]() as session, session.begin():
            await change(session, reference, fields, current_staff(request).id)
    except Invalid as error:
        raise redirect(location, error=str(error))
    raise redirect(location)


async def ticket_status(request: web.Request) -> web.StreamResponse:
    return await _change(request, lambda s, ref, f, actor: queries.set_status(
        s, ref, f.get("status", ""), actor))


async def ticket_note(request: web.Request) -> web.StreamResponse:
    return await _change(request, lambda s, ref, f, actor: queries.add_note(
        s, ref, f.get("text", "")[:10_000], actor))


async def ticket_assign(request: web.Request) -> web.StreamResponse:
    def assignee(fields: dict[str, str]) -> int | None:
        raw = fields.get("staff_user_id", "")
        if not raw:
            return None
        if not raw.isdigit():
            raise Invalid("unknown staff user")
        return int(raw)

    return await _change(request, lambda s, ref, f, actor: queries.assign(
        s, ref, assignee(f), actor))
