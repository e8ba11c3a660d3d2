"""Staff ticket pages: list, CSV export, detail, status, notes, assignment."""

from __future__ import annotations

import csv
import io

from aiohttp import web

from bot.db.base import utcnow
from bot.desk import audit, tickets
from bot.desk import ticket_list as listed
from bot.desk.errors import Invalid
from bot.desk.languages import LANGUAGES
from bot.desk.listing import page_number
from bot.desk.staff_users import list_active
from bot.desk.ticket_export import CSV_COLUMNS, csv_row
from bot.desk.ticket_status import TICKET_STATUSES, TRANSITIONS
from bot.handoff.labels import domain_labels
from bot.handoff.mail import mail_client
from bot.web.auth import current_staff
from bot.web.keys import SESSIONMAKER, SETTINGS
from bot.web.views.forms import form_fields, redirect, zone
from bot.web.templating import template

EXPORT_LIMIT = 100_000


@template("staff/tickets.html")
async def ticket_list(request: web.Request) -> dict:
    flt = listed.TicketFilter.from_query(request.query)
    async with request.app[SESSIONMAKER]() as session:
        page = await listed.list_tickets(session, flt, zone(request),
                                              page=page_number(request.query.get("page")))
        topics = await listed.topics(session)
    return {"page": page, "flt": flt, "filter_query": flt.as_query(), "topics": topics,
            "statuses": TICKET_STATUSES, "languages": LANGUAGES}


async def ticket_export(request: web.Request) -> web.StreamResponse:
    flt = listed.TicketFilter.from_query(request.query)
    tz, now = zone(request), utcnow()
    async with request.app[SESSIONMAKER]() as session, session.begin():
        rows, _ = await listed.tickets_with_transcripts(session, flt, tz, EXPORT_LIMIT)
        await audit.record(session, current_staff(request).id, "tickets_export", None,
                           {"filter": flt.as_query(), "rows": len(rows)}, now)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(ticket, tz) for ticket in rows)
    stamp = now.astimezone(tz).strftime("%Y%m%d-%H%M")
    return web.Response(
        body=buffer.getvalue().encode("utf-8-sig"),  # BOM: Excel opens umlauts correctly
        content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="tickets-{stamp}.csv"'},
    )


@template("staff/ticket.html")
async def ticket_detail(request: web.Request) -> dict:
    reference = request.match_info["reference"]
    async with request.app[SESSIONMAKER]() as session:
        ticket = await tickets.get_ticket(session, reference)
        users = await list_active(session)
        history, _ = await audit.recent(session, target=ticket.reference, limit=50)
    return {"ticket": ticket, "users": users, "history": history,
            "transitions": TRANSITIONS.get(ticket.status, ()),
            "msg": request.query.get("msg"), "error": request.query.get("error")}


async def _change(request: web.Request, change):
    """Run one change on the ticket in one transaction (committed when this returns its
    result); a refused change redirects back to the ticket with its error key."""
    reference = request.match_info["reference"]
    fields = await form_fields(request)
    try:
        async with request.app[SESSIONMAKER]() as session, session.begin():
            return await change(session, reference, fields, current_staff(request).id, utcnow())
    except Invalid as error:
        raise redirect(_ticket_url(request), error=str(error))


def _ticket_url(request: web.Request) -> str:
    reference = request.match_info["reference"]
    return str(request.app.router["staff_ticket"].url_for(reference=reference))


async def ticket_status(request: web.Request) -> web.StreamResponse:
    cancelled = await _change(request, lambda s, ref, f, actor, now: tickets.set_status(
        s, ref, f.get("status", ""), actor, now))
    if cancelled is not None:  # a booking was cancelled: the client hears it as from the chat
        await mail_client(request.app[SETTINGS], "cancellation", cancelled, domain_labels())
    raise redirect(_ticket_url(request))


async def ticket_note(request: web.Request) -> web.StreamResponse:
    await _change(request, lambda s, ref, f, actor, now: tickets.add_note(
        s, ref, f.get("text", "")[:10_000], actor, now))
    raise redirect(_ticket_url(request))


async def ticket_assign(request: web.Request) -> web.StreamResponse:
    def assignee(fields: dict[str, str]) -> int | None:
        raw = fields.get("staff_user_id", "")
        if not raw:
            return None
        if not raw.isdigit():
            raise Invalid("unknown staff user")
        return int(raw)

    await _change(request, lambda s, ref, f, actor, now: tickets.assign(
        s, ref, assignee(f), actor, now))
    raise redirect(_ticket_url(request))
