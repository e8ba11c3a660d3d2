"""Error pages in one place: 403/404 (and domain NotFound) become a page or, for the API, JSON."""

from __future__ import annotations

from aiohttp import web

from bot.desk.errors import Invalid, NotFound
from bot.web.auth import Handler, is_api_path
from bot.web.templating import render

RENDERED = {400, 403, 404, 405}


def _error_response(request: web.Request, status: int, detail: str | None = None) -> web.Response:
    if is_api_path(request.path):
        names = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
        return web.json_response({"error": names.get(status, "error")}, status=status)
    return render(
        "error.html", request, {"status": status, "detail": detail}, status=status
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except NotFound:
        return _error_response(request, 404)
    except Invalid as error:
        return _error_response(request, 400, str(error))
    except web.HTTPException as error:
        if error.status in RENDERED:
            return _error_response(request, error.status)
        raise
