"""Small helpers for thin views: read a form, redirect after POST with a flash message."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from zoneinfo import ZoneInfo

from bot.web.keys import SETTINGS


async def form_fields(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def redirect(location: str, **query: str) -> web.HTTPFound:
    """POST → redirect → GET; `msg`/`error` carry an i18n key to show once."""
    return web.HTTPFound(location + (f"?{urlencode(query)}" if query else ""))


def zone(request: web.Request) -> ZoneInfo:
    return ZoneInfo(request.app[SETTINGS].timezone)


def query_int(value: str | None, default: int, low: int, high: int) -> int:
    """A query-string integer clamped to [low, high]; not a number → 400."""
    try:
        return min(high, max(low, int(value))) if value else default
    except ValueError:
        raise web.HTTPBadRequest() from None
