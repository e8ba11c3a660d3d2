"""Staff JSON API (contracts.md): tickets, newest first, with booking and transcript."""

from __future__ import annotations

from aiohttp import web

from bot.desk import ticket_list
from bot.desk.tickets import get_ticket
from bot.desk.ticket_export import ticket_json
from bot.web.keys import SESSIONMAKER
from bot.web.views.forms import query_int, zone

MAX_LIMIT = 1000


async def tickets(request: web.Request) -> web.Response:
    """Filters as on the list page (status, language, topic, from, to, q). Without `limit`
    the whole list, as the contract has it; `limit` (≤ 1000) / `offset` page through it.
    `X-Total-Count` says how many match."""
    flt = ticket_list.TicketFilter.from_query(request.query)
    limit = (query_int(request.query.get("limit"), MAX_LIMIT, 1, MAX_LIMIT)
             if "limit" in request.query else None)
    offset = query_int(request.query.get("offset"), 0, 0, 10**9)
    async with request.app[SESSIONMAKER]() as session:
        rows, total = await ticket_list.tickets_with_transcripts(session, flt, zone(request), limit,
                                                               offset)
    return web.json_response([ticket_json(t) for t in rows],
                             headers={"X-Total-Count": str(total)})


async def ticket(request: web.Request) -> web.Response:
    async with request.app[SESSIONMAKER]() as session:
        row = await get_ticket(session, request.match_info["reference"])
    return web.json_response(ticket_json(row))
