"""The app factory only wires: settings, engine and login limiter lifecycles, templates,
middlewares, routes."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from bot.db.session import make_engine, make_sessionmaker
from bot.settings import Settings
from bot.desk.staff_users import upsert_user
from bot.web.auth import auth_middleware, csrf_middleware
from bot.web.errors import error_middleware
from bot.web.keys import LOGIN_LIMITER, SESSIONMAKER, SETTINGS
from bot.web.ratelimit import MemoryLoginLimiter, RedisLoginLimiter, redis_client
from bot.web.routes import setup_routes
from bot.web.templating import setup_templates


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = make_engine(app[SETTINGS].database_url)
    app[SESSIONMAKER] = make_sessionmaker(engine)
    yield
    await engine.dispose()


async def _bootstrap_staff(app: web.Application) -> AsyncIterator[None]:
    """STAFF_EMAIL + STAFF_PASSWORD set → that (admin) account exists with that password."""
    settings = app[SETTINGS]
    if settings.staff_email and settings.staff_password:
        async with app[SESSIONMAKER]() as session, session.begin():
            await upsert_user(session, settings.staff_email, settings.staff_password, role="admin")
    yield


async def _login_limiter(app: web.Application) -> AsyncIterator[None]:
    """Failed logins counted in Redis when REDIS_URL is set (shared by every web process),
    else in this process's memory."""
    redis_url = app[SETTINGS].redis_url
    if not redis_url:
        app[LOGIN_LIMITER] = MemoryLoginLimiter()
        yield
        return
    client, namespace = redis_client(redis_url)
    app[LOGIN_LIMITER] = RedisLoginLimiter(client, prefix=f"{namespace}:login:")
    yield
    await client.aclose()


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[error_middleware, auth_middleware, csrf_middleware])
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_login_limiter)
    app.cleanup_ctx.append(_bootstrap_staff)
    setup_templates(app, settings.timezone)
    setup_routes(app)
    return app
