"""The staff app under test: create_app(test_settings) on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.settings import Settings
from bot.web.app import create_app

STAFF_EMAIL = "lead@example.org"
STAFF_PASSWORD = "correct horse battery staple"
API_TOKEN = "test-api-token-123"


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    """Client mails (a staff cancellation sends one) go to an outbox of the test's own."""
    return replace(Settings(), database_url=database_url, staff_email=STAFF_EMAIL,
                   staff_password=STAFF_PASSWORD, staff_api_token=API_TOKEN, smtp_host=None,
                   mail_outbox=tmp_path / "outbox")


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings))


def hidden_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


async def log_in(client, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token (from a staff page)."""
    page = await client.get("/staff/login")
    response = await client.post("/staff/login", data={
        "email": email, "password": password, "csrf_token": hidden_csrf(await page.text()),
        "next": "/staff/tickets"}, allow_redirects=False)
    assert response.status == 302, await response.text()
    tickets = await client.get("/staff/tickets")
    assert tickets.status == 200
    return hidden_csrf(await tickets.text())


@pytest.fixture
async def staff(client) -> str:
    """A logged-in client (the fixture's value is the CSRF token)."""
    return await log_in(client)
