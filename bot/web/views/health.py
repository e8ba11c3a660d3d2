from aiohttp import web
from sqlalchemy import text

from bot.web.keys import SESSIONMAKER


async def health(request: web.Request) -> web.Response:
    """Liveness plus a database round trip."""
    async with request.app[SESSIONMAKER]() as session:
        await session.execute(text("SELECT 1"))
    return web.json_response({"status": "ok"})
