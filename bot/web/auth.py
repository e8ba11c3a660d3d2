"""Staff authentication: session cookies, bearer token for the API, CSRF, login rate limit.

Everything under /staff needs a logged-in staff user, except the routes in PUBLIC_ROUTES.
/staff/api/* also accepts `Authorization: Bearer <STAFF_API_TOKEN>`. Every unsafe
request (POST, …) must carry the session's CSRF token (form field `csrf_token` or
header `X-CSRF-Token`); the login form, which has no session yet, uses a
double-submit cookie instead; API requests authenticated by the bearer token need none.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import quote

from aiohttp import web

from bot.db.base import utcnow
from bot.db.models import StaffUser
from bot.desk import staff_sessions
from bot.desk.staff_sessions import SESSION_LIFETIME
from bot.web.keys import API_TOKEN, CSRF_TOKEN, SESSIONMAKER, SETTINGS, STAFF

SESSION_COOKIE = "expatdesk_staff"
LOGIN_CSRF_COOKIE = "expatdesk_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
PUBLIC_ROUTES = frozenset({"staff_login", "staff_login_post", "staff_lang"})
# Public forms outside /staff that check a token of their own (bot/web/views/booking_links.py).
OWN_CSRF_ROUTES = frozenset({"booking_link_post"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_staff_path(path: str) -> bool:
    return path == "/staff" or path.startswith("/staff/")


def is_api_path(path: str) -> bool:
    return path.startswith("/staff/api/")


def _bearer_ok(request: web.Request) -> bool:
    expected = request.app[SETTINGS].staff_api_token
    header = request.headers.get("Authorization", "")
    if not expected or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer "):].strip().encode(), expected.encode())


def _route_name(request: web.Request) -> str | None:
    route = request.match_info.route
    return getattr(route, "name", None)


def login_url(next_path: str | None = None) -> str:
    return "/staff/login" + (f"?next={quote(next_path, safe='/')}" if next_path else "")


def safe_next(value: str | None) -> str:
    """Only redirect to our own staff pages after login (no open redirect)."""
    if value and is_staff_path(value) and not value.startswith("//") and "\\" not in value:
        return value
    return "/staff"


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[STAFF] = None
    request[CSRF_TOKEN] = None
    request[API_TOKEN] = False
    if not is_staff_path(request.path):
        return await handler(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with request.app[SESSIONMAKER]() as session:
            row = await staff_sessions.load_session(session, token, utcnow())
        if row is not None:
            request[STAFF] = row.user
            request[CSRF_TOKEN] = row.csrf_token
    if request[STAFF] is None and _route_name(request) not in PUBLIC_ROUTES:
        if is_api_path(request.path):
            if _bearer_ok(request):
                request[API_TOKEN] = True
                return await handler(request)
            raise web.HTTPUnauthorized(
                text='{"error": "unauthorized"}', content_type="application/json",
                headers={"WWW-Authenticate": 'Bearer realm="staff-api"'},
            )
        if request.method in SAFE_METHODS:
            raise web.HTTPFound(login_url(request.path_qs))
        raise web.HTTPFound(login_url())
    return await handler(request)


async def _submitted_csrf(request: web.Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()  # cached: the view reads the same form again
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # A bearer token is never sent by a browser on its own, so it needs no CSRF token.
    if request.method in SAFE_METHODS or request.get(API_TOKEN):
        return await handler(request)
    if _route_name(request) in OWN_CSRF_ROUTES and not is_staff_path(request.path):
        return await handler(request)
    submitted = await _submitted_csrf(request)
    if _route_name(request) == "staff_login_post":
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    else:
        expected = request[CSRF_TOKEN] or ""
    if not expected or not submitted or not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise web.HTTPForbidden(reason="CSRF token missing or wrong")
    return await handler(request)


def require_role(*roles: str) -> Callable[[Handler], Handler]:
    """Only staff users with one of `roles` may use the view (the API token never may)."""

    def decorate(view: Handler) -> Handler:
        @wraps(view)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            user = request.get(STAFF)
            if user is None or user.role not in roles:
                raise web.HTTPForbidden()
            return await view(request)

        return wrapper

    return decorate


def current_staff(request: web.Request) -> StaffUser:
    """The logged-in staff user of a view that a session (not the API token) reached."""
    user = request.get(STAFF)
    if user is None:
        raise web.HTTPForbidden()
    return user


def set_session_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, path="/staff", httponly=True, samesite="Lax",
        secure=request.app[SETTINGS].cookie_secure,
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path="/staff")


def login_csrf_token(request: web.Request, response: web.StreamResponse) -> str:
    """The double-submit token of the login form (reused while the cookie lives)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, path="/staff/login", httponly=True, samesite="Lax",
        secure=request.app[SETTINGS].cookie_secure,
    )
    return token


def admin_or_token(view: Handler) -> Handler:
    """Admins, or an integration with the API token (privacy API, contracts.md)."""

    @wraps(view)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        user = request.get(STAFF)
        if not request.get(API_TOKEN) and (user is None or user.role != "admin"):
            raise web.HTTPForbidden(text='{"error": "admin_role_required"}',
                                    content_type="application/json")
        return await view(request)

    return wrapper
