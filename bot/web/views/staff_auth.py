"""Login, logout and the UI language switch."""

from __future__ import annotations

from aiohttp import web

from bot.db.base import utcnow
from bot.desk import audit, staff_sessions
from bot.desk.staff_users import authenticate, normalize_email
from bot.web.auth import (
    SESSION_COOKIE,
    clear_session_cookie,
    current_staff,
    login_csrf_token,
    safe_next,
    set_session_cookie,
)
from bot.web.i18n import UI_LANG_COOKIE, UI_LANGUAGES, translate, ui_language
from bot.web.keys import LOGIN_LIMITER, SESSIONMAKER, SETTINGS, STAFF
from bot.web.templating import render_string


def _login_page(request: web.Request, *, email: str = "", error: str | None = None,
                status: int = 200) -> web.Response:
    response = web.Response(status=status, content_type="text/html")
    token = login_csrf_token(request, response)
    context = {"login_csrf": token, "email": email, "error": error,
               "next": safe_next(request.query.get("next"))}
    response.text = render_string("staff/login.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    if request[STAFF] is not None:
        raise web.HTTPFound(safe_next(request.query.get("next")))
    return _login_page(request)


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    email = normalize_email(str(form.get("email", "")))
    password = str(form.get("password", ""))
    limiter = request.app[LOGIN_LIMITER]
    address = request.remote or "unknown"
    lang = ui_language(request)
    wait = await limiter.retry_after(address, email)
    if wait is not None:
        message = translate(lang, "login_rate_limited", minutes=max(1, -(-wait // 60)))
        response = _login_page(request, email=email, error=message, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    async with request.app[SESSIONMAKER]() as session, session.begin():
        user = await authenticate(session, email, password)
        if user is None:
            await limiter.failed(address, email)
            return _login_page(request, email=email, error=translate(lang, "login_failed"),
                               status=401)
        await limiter.succeeded(email)
        token, _ = await staff_sessions.create_session(session, user, utcnow())
        await audit.record(session, user.id, "login")
    response = web.HTTPFound(safe_next(str(form.get("next", ""))))
    set_session_cookie(request, response, token)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONMAKER]() as session, session.begin():
        await staff_sessions.end_session(session, request.cookies.get(SESSION_COOKIE, ""))
        await audit.record(session, current_staff(request).id, "logout")
    response = web.HTTPFound("/staff/login")
    clear_session_cookie(response)
    raise response


async def switch_language(request: web.Request) -> web.StreamResponse:
    lang = request.match_info["lang"]
    if lang not in UI_LANGUAGES:
        raise web.HTTPNotFound()
    response = web.HTTPFound(safe_next(request.query.get("next")))
    response.set_cookie(UI_LANG_COOKIE, lang, path="/", max_age=365 * 24 * 3600, samesite="Lax",
                        secure=request.app[SETTINGS].cookie_secure)
    raise response
