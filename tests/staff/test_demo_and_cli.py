"""Demo page + widget assets, and the staff-user command."""

from __future__ import annotations

import asyncio
import io

from bot.db.session import make_engine, make_sessionmaker
from bot.desk.staff_users import authenticate
from bot.tools.staff_user import main as staff_user


async def test_demo_page_embeds_the_widget_with_one_script_tag(client, settings):
    for lang, words in (("de", "Gut ankommen"), ("en", "Settle in well")):
        response = await client.get(f"/?lang={lang}")
        text = await response.text()
        assert response.status == 200 and f'<html lang="{lang}">' in text and words in text
        assert text.count("<script") == 1
        assert (f'<script src="/static/widget.js" data-rasa-url="{settings.rasa_url}" '
                f'data-lang="{lang}" defer></script>') in text
    assert 'lang="en"' in await (await client.get("/?lang=<x>")).text()


async def test_widget_assets_are_served(client):
    js = await client.get("/static/widget.js")
    css = await client.get("/static/widget.css")
    assert js.status == 200 and "webhooks/rest/webhook" in await js.text()
    assert css.status == 200 and ".edw-panel" in await css.text()


def test_staff_user_command_creates_and_updates(settings, monkeypatch):
    # A plain (sync) test: the command calls asyncio.run, as it does from a shell.
    monkeypatch.setattr("sys.stdin", io.StringIO("a very long password\n"))
    assert staff_user(["add", "Neu@Example.org", "--role", "maintainer", "--password-stdin"],
                      settings=settings) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short"))
    assert staff_user(["add", "neu@example.org", "--password-stdin"], settings=settings) == 2

    async def check():
        engine = make_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                return await authenticate(session, "neu@example.org", "a very long password")
        finally:
            await engine.dispose()

    user = asyncio.run(check())
    assert user is not None and user.role == "maintainer"
