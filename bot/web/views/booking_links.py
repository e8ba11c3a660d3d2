"""The public pages of the one-time cancel/move links mailed to clients (bot.desk.booking_links).

GET shows the booking (weekday, date, time in German time, topic, mode) and a button, or
free times to move to, and changes nothing. POST does it, through the desk's rules, and
mails the client. These pages are outside /staff: no staff session, so no staff CSRF
token; instead the form carries a token bound to both the link and a random cookie set by
the GET (SameSite=Strict, so a cross-site form never sends it): HMAC(secret, link + cookie).
The page language is the booking's, with a switch (?lang=).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from functools import partial
from typing import Any

from aiohttp import web

from bot.db.base import utcnow
from bot.desk import booking_links as links
from bot.desk.bookings import BookingNotFound, SlotTaken
from bot.desk.languages import choose, known, other
from bot.desk.modes import MODES, checked_mode
from bot.desk.slots import next_free_slots
from bot.handoff.dates import format_datetime
from bot.handoff.labels import domain_labels
from bot.handoff.mail import mail_client
from bot.web.i18n import translate
from bot.web.keys import SESSIONMAKER, SETTINGS
from bot.web.templating import render, topic_name
from bot.web.views.forms import form_fields, zone

log = logging.getLogger(__name__)

FORM_COOKIE = "expatdesk_link_form"
FORM_FIELD = "form_token"
MOVE_CHOICES = 12
# invalid: nothing to show (404); the others name a real link that cannot be used (410).
STATUS = {"invalid": 404, "expired": 410, "used": 410, "gone": 410}
DONE = {links.CANCEL: "cancellation", links.MOVE: "rescheduled"}


def _form_token(secret: str, token: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"link-form:{token}:{nonce}".encode(),
                    hashlib.sha256).hexdigest()


async def _language(request: web.Request, token: str, booking_lang: str | None = None) -> str:
    wished = known(request.query.get("lang"))
    if wished:
        return wished
    if booking_lang is None:
        async with request.app[SESSIONMAKER]() as session:
            booking_lang = await links.link_language(
                session, request.app[SETTINGS].secret_key, token)
    return choose(booking_lang, "de")


def _page(request: web.Request, lang: str, context: dict[str, Any], status: int = 200,
          nonce: str | None = None) -> web.Response:
    settings = request.app[SETTINGS]
    values = {"ui_lang": lang, "t": partial(translate, lang), "other_lang": other(lang),
              "form_token": "", "modes": MODES, "problem": None, "done": None, "error": None,
              "view": None, "choices": [], "mode_filter": None, "done_when": "",
              **context}
    view = values.get("view")
    if view is not None:
        values["when"] = format_datetime(view.start, lang, settings.timezone)
        values["until"] = f"{view.end.astimezone(zone(request)):%H:%M}"
        values["topic"] = topic_name(view.contact.topic, lang)
    if nonce is not None:
        values["form_token"] = _form_token(settings.secret_key, request.match_info["token"], nonce)
    response = render("booking_link.html", request, values, status=status)
    if nonce is not None:
        response.set_cookie(FORM_COOKIE, nonce, path=links.PATH, httponly=True, samesite="Strict",
                            secure=settings.cookie_secure, max_age=3600)
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leak onward
    response.headers["Cache-Control"] = "no-store"
    return response


async def _problem(request: web.Request, token: str, reason: str) -> web.Response:
    return _page(request, await _language(request, token), {"problem": reason},
                 status=STATUS[reason])


async def _show(request: web.Request, token: str, error: str | None = None,
                status: int = 200) -> web.Response:
    settings, now = request.app[SETTINGS], utcnow()
    mode = checked_mode(request.query.get("mode"))
    async with request.app[SESSIONMAKER]() as session:
        try:
            view = await links.open_link(session, settings.secret_key, token, now)
        except links.LinkProblem as problem:
            return await _problem(request, token, problem.reason)
        free = (await next_free_slots(session, now, page_size=MOVE_CHOICES, mode=mode)
                if view.action == links.MOVE else [])
    lang = await _language(request, token, view.contact.language)
    choices = [(slot, format_datetime(slot.start, lang, settings.timezone)) for slot in free]
    nonce = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(16)
    return _page(request, lang, {"view": view, "choices": choices, "mode_filter": mode,
                                 "error": error}, status=status, nonce=nonce)


async def link_page(request: web.Request) -> web.Response:
    """GET: what the link is for, and the button. Reads only."""
    return await _show(request, request.match_info["token"])


def _form_ok(request: web.Request, token: str, fields: dict[str, str]) -> bool:
    nonce = request.cookies.get(FORM_COOKIE, "")
    submitted = fields.get(FORM_FIELD, "")
    expected = _form_token(request.app[SETTINGS].secret_key, token, nonce)
    return bool(nonce) and hmac.compare_digest(submitted.encode(), expected.encode())


async def link_use(request: web.Request) -> web.Response:
    """POST: cancel, or move to the chosen free slot; then the client's mail."""
    settings, token, now = request.app[SETTINGS], request.match_info["token"], utcnow()
    fields = await form_fields(request)
    if not _form_ok(request, token, fields):
        return _page(request, await _language(request, token), {"problem": "form_expired"},
                     status=403)
    action = fields.get("action", "")
    slot_id = None
    if action == links.MOVE:
        try:
            slot_id = int(fields.get("slot_id", ""))
        except ValueError:
            return await _show(request, token, error="link_choose_slot", status=400)
    try:
        async with request.app[SESSIONMAKER]() as session, session.begin():
            confirmation = await links.use_link(session, settings.secret_key, token, action, now,
                                                new_slot_id=slot_id)
    except links.LinkProblem as problem:
        return await _problem(request, token, problem.reason)
    except SlotTaken:
        return await _show(request, token, error="link_slot_taken", status=409)
    except BookingNotFound:  # cancelled between the check and the change
        return await _problem(request, token, "gone")
    log.info("booking %s: %s by one-time link", confirmation.reference, action)
    await mail_client(settings, DONE[action], confirmation, domain_labels())
    lang = await _language(request, token, confirmation.contact.language)
    when = format_datetime(confirmation.start, lang, settings.timezone)
    return _page(request, lang, {"done": action, "done_when": when})
