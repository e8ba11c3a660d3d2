"""Error pages in one place: 403/404 (and domain NotFound) become a page or, for the API, JSON;
an unexpected exception is logged with the request path and answered 500 (a localized page,
or a JSON body for the API), never with the traceback."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.desk.errors import Invalid, NotFound
from bot.web.auth import Handler, is_api_path
from bot.web.templating import render

log = logging.getLogger(__name__)

RENDERED = {400, 403, 404, 405}
API_ERRORS = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              500: "internal_error"}


def _error_response(request: web.Request, status: int, detail: str | None = None) -> web.Response:
    if is_api_path(request.path):
        return web.json_response({"error": API_ERRORS.get(status, "error")}, status=status)
    return render(
        "error.html", request, {"status": status, "detail": detail}, status=status
    )


def _internal_error(request: web.Request) -> web.Response:
    try:
        return _error_response(request, 500)
    except Exception:  # the page itself failed (templates, request state): plain text
        log.exception("error page for %s %s failed", request.method, request.path)
        return web.Response(status=500, text="500 Internal Server Error")


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except NotFound:
        return _error_response(request, 404)
    except Invalid as error:
        return _error_response(request, 400, str(error))
    except web.HTTPException as error:
        if is_api_path(request.path) and error.content_type == "application/json" and error.text:
            # An API view that says why ({"error": "email_invalid"}) keeps its answer.
            return web.json_response(text=error.text, status=error.status)
        if error.status in RENDERED:
            return _error_response(request, error.status)
        raise
    except Exception:
        # The path only: query strings and bodies may hold personal data.
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _internal_error(request)
