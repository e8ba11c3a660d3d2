"""The app factory only wires: settings, engine lifecycle, routes, middlewares."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from bot.db.session import make_engine, make_sessionmaker
from bot.settings import Settings
from bot.web.keys import ENGINE, SESSIONMAKER, SETTINGS
from bot.web.routes import setup_routes


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = make_engine(app[SETTINGS].database_url)
    app[ENGINE] = engine
    app[SESSIONMAKER] = make_sessionmaker(engine)
    yield
    await engine.dispose()


def create_app(settings: Settings) -> web.Application:
    app = web.Application()
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_database)
    setup_routes(app)
    return app
