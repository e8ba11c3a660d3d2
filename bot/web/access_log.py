"""The web app's access log without secrets or personal data: the path only (query strings
may hold a searched e-mail address), and one-time booking link tokens cut out (whoever
reads the log must not be able to cancel a booking)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.desk.booking_links import PATH as BOOKING_LINK_PATH


def redacted_path(path: str) -> str:
    if path.startswith(BOOKING_LINK_PATH):
        return BOOKING_LINK_PATH + "…"
    return path


class AccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %s %.3fs", request.remote, request.method,
                         redacted_path(request.path), response.status, time)
