"""Staff privacy API (contracts.md, "Privacy"; issue 15): a person's data by e-mail address —
export (Art. 15 GDPR) and erasure (Art. 17). Admin role or the API token; audited with a
keyed hash of the address (bot.desk.privacy)."""

from __future__ import annotations

import json

from aiohttp import web
from email_validator import EmailNotValidError, validate_email

from bot.db.base import utcnow
from bot.desk import audit, privacy
from bot.web.auth import admin_or_token
from bot.web.keys import SESSIONMAKER, SETTINGS, STAFF

EMAIL_MAX = 320


def _bad(error: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": error}), content_type="application/json")


def _address(value: object) -> str:
    """The address to look up, or 400: only a valid address is looked up, never a pattern."""
    if not isinstance(value, str) or not value.strip() or len(value) > EMAIL_MAX:
        raise _bad("email_required")
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise _bad("email_invalid") from None


def _staff_id(request: web.Request) -> int | None:
    user = request.get(STAFF)
    return getattr(user, "id", None)


@admin_or_token
async def export(request: web.Request) -> web.Response:
    email = _address(request.query.get("email"))
    settings = request.app[SETTINGS]
    data = await privacy.export(request.app[SESSIONMAKER], privacy.stores_of(settings), email)
    async with request.app[SESSIONMAKER]() as session, session.begin():
        await audit.record(session, _staff_id(request), "privacy.export",
                           privacy.address_key(settings.secret_key, email))
    return web.json_response(data, headers={
        "Content-Disposition": 'attachment; filename="export.json"', "Cache-Control": "no-store"})


@admin_or_token
async def erase(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise _bad("json_object_required") from None
    if not isinstance(body, dict):
        raise _bad("json_object_required")
    email = _address(body.get("email"))
    settings = request.app[SETTINGS]
    counts = await privacy.erase(request.app[SESSIONMAKER], privacy.stores_of(settings), email,
                                 settings.secret_key, utcnow(), _staff_id(request))
    return web.json_response({"erased": counts})
