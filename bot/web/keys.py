"""Typed application keys shared by the factory, middlewares and views."""

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.web.ratelimit import LoginLimiter

SETTINGS = web.AppKey("settings", Settings)
SESSIONMAKER = web.AppKey("sessionmaker", async_sessionmaker[AsyncSession])
LOGIN_LIMITER = web.AppKey("login_limiter", LoginLimiter)

# Per-request values set by the auth middleware (bot/web/auth.py).
STAFF = web.RequestKey("staff", object)  # the logged-in StaffUser, or None
CSRF_TOKEN = web.RequestKey("csrf_token", object)  # the session's CSRF token, or None
API_TOKEN = web.RequestKey("api_token", bool)  # authenticated by the bearer token
