"""Real-browser tests: Debian's chromium driven by Playwright (no browser download).

They use the session-scoped `stack` from tests/conftest.py (real Rasa, action server, web
app). Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bot.db.session import make_engine, make_sessionmaker
from tests.e2e.chat import ARTIFACTS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS = ARTIFACTS / "browser"
PHONE = {"width": 375, "height": 667}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context) -> Page:
    page = context.new_page()
    page.set_default_timeout(30_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # any alert() a payload manages to run shows up here
    return page


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def run_db(stack, work):
    """Run `await work(session)` in one transaction on the stack's app database.

    In a worker thread: Playwright's sync API keeps an event loop running in this one."""

    async def _run():
        engine = make_engine(stack.settings.database_url)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run()).result()


def tracker(stack, sender: str) -> dict:
    url = (f"{stack.rasa_url}/conversations/{sender}/tracker"
           f"?token={stack.settings.rasa_token}")
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def staff_login(page: Page, stack, next_path: str = "/staff") -> None:
    page.goto(f"{stack.web_url}{next_path}")
    page.get_by_label("E-Mail").fill(stack.settings.staff_email)
    page.get_by_label("Passwort").fill(stack.settings.staff_password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{stack.web_url}{next_path}*")


# --- Driving the widget ---------------------------------------------------------------
BOT = ".edw-from-bot:not(.edw-typing)"  # bot messages (the intro counts as one)


def wait_for_reply(page: Page, before: int) -> None:
    """Until the widget is idle again with more bot messages than `before`."""
    from playwright.sync_api import expect

    expect(page.locator(".edw-root")).not_to_have_class(re.compile(r"\bedw-busy\b"),
                                                        timeout=60_000)
    assert page.locator(BOT).count() > before, "the bot did not answer"


def say(page: Page, text: str) -> None:
    before = page.locator(BOT).count()
    box = page.locator("#edw-input")
    box.fill(text)
    box.press("Enter")
    wait_for_reply(page, before)


def click_choice(page: Page, title: str) -> None:
    """Click a button of the last bot message; its title (not payload) shows as the user's."""
    from playwright.sync_api import expect

    before = page.locator(BOT).count()
    page.locator(BOT).last.get_by_role("button", name=title, exact=True).click()
    expect(page.locator(".edw-from-user").last).to_contain_text(title)
    wait_for_reply(page, before)


def last_bot_text(page: Page) -> str:
    return page.locator(BOT).last.inner_text()


def widget_sender(page: Page) -> str:
    return page.evaluate("JSON.parse(localStorage.getItem('expatdesk.widget.sender'))")
