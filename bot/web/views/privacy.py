"""Staff privacy API (contracts.md, "Privacy"; issue 15): a person's data by e-mail address —
export (Art. 15 GDPR) and erasure (Art. 17). Admin role or the API token; audited with a
keyed hash of the address (bot.desk.privacy)."""

from __future__ import annotations

import json

from aiohttp import web
from email_validator import EmailNotValidError, validate_email

from bot.db.base import utcnow
from bot.desk import audit, privacy
from bot.web.auth import admin_or_token, current_staff, require_role
from bot.web.keys import SESSIONMAKER, SETTINGS, STAFF
from bot.web.templating import template
from bot.web.views.forms import form_fields, redirect

EMAIL_MAX = 320


def _bad(error: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": error}), content_type="application/json")


def valid_address(value: object) -> str | None:
    """The normalised address, or None: only a valid address is looked up, never a pattern."""
    if not isinstance(value, str) or not value.strip() or len(value) > EMAIL_MAX:
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _address(value: object) -> str:
    """The address, or 400 saying why."""
    if not isinstance(value, str) or not value.strip():
        raise _bad("email_required")
    email = valid_address(value)
    if email is None:
        raise _bad("email_invalid")
    return email


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


# --- the staff page (admins): the same two operations with a button each ---

@require_role("admin")
@template("staff/privacy.html")
async def privacy_page(request: web.Request) -> dict:
    return {key: request.query.get(key) for key in ("msg", "error", "tickets", "conversations")}


@require_role("admin")
async def privacy_erase_form(request: web.Request) -> web.StreamResponse:
    fields = await form_fields(request)
    page = request.app.router["staff_privacy"].url_for().path
    email = valid_address(fields.get("email"))
    if email is None:
        raise redirect(page, error="privacy_bad_email")
    if fields.get("confirm") != "yes":
        raise redirect(page, error="privacy_not_confirmed")
    settings = request.app[SETTINGS]
    counts = await privacy.erase(request.app[SESSIONMAKER], privacy.stores_of(settings), email,
                                 settings.secret_key, utcnow(), current_staff(request).id)
    raise redirect(page, msg="privacy_erased", tickets=str(counts["tickets"]),
                   conversations=str(counts["conversations"]))
