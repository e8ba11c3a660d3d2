"""An unexpected exception: a localized 500 page for staff pages, a JSON body for the API,
logged with the request path, and never a traceback for the user."""

from __future__ import annotations

import logging

import pytest
from aiohttp import web

from bot.web.app import create_app
from tests.staff.conftest import API_TOKEN, log_in


class Boom(RuntimeError):
    pass


async def _raises(request: web.Request) -> web.Response:
    raise Boom("secret internals: /srv/app/db.py line 42")


@pytest.fixture
async def client(aiohttp_client, settings):
    app = create_app(settings)
    app.router.add_get("/staff/boom", _raises)
    app.router.add_get("/staff/api/boom", _raises)
    return await aiohttp_client(app)


async def test_a_failing_staff_page_renders_a_localized_500_page(client, caplog):
    await log_in(client)
    with caplog.at_level(logging.ERROR, logger="bot.web.errors"):
        response = await client.get("/staff/boom?email=jane@example.org")
    text = await response.text()
    assert response.status == 500 and response.content_type == "text/html"
    assert "Interner Fehler" in text and "protokolliert" in text
    assert "Traceback" not in text and "secret internals" not in text and "Boom" not in text
    [record] = [r for r in caplog.records if r.name == "bot.web.errors"]
    assert "GET /staff/boom" in record.getMessage() and record.exc_info[0] is Boom
    assert "jane@example.org" not in record.getMessage()  # the path, not the query string

    await client.get("/staff/lang/en?next=/staff")
    english = await client.get("/staff/boom")
    assert english.status == 500 and "Internal error" in await english.text()


async def test_a_failing_api_route_answers_json_500(client, caplog):
    with caplog.at_level(logging.ERROR, logger="bot.web.errors"):
        response = await client.get("/staff/api/boom", headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert response.status == 500
    assert await response.json() == {"error": "internal_error"}
    assert any("GET /staff/api/boom" in r.getMessage() for r in caplog.records)


async def test_known_errors_keep_their_status(client):
    await log_in(client)
    assert (await client.get("/staff/no-such-page")).status == 404
    response = await client.get("/staff/api/no-such-route", headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert response.status == 404 and await response.json() == {"error": "not_found"}
