"""`python -m bot.web`: serve the web app on WEB_PORT (default 8080)."""

import logging

from aiohttp import web

from bot.settings import Settings
from bot.web.access_log import AccessLogger
from bot.web.app import create_app

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    web.run_app(create_app(settings), host=settings.host, port=settings.web_port, print=None,
                access_log_class=AccessLogger)
