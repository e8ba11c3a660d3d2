"""Real-browser tests: Debian's chromium driven by Playwright (no browser download).

Widget tests use the session-scoped `stack` from tests/conftest.py (real Rasa, action
server, web app); staff-only tests use `web_app` (the web app alone). Screenshots go to
test-artifacts/browser/.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_sessionmaker
from bot.settings import PROJECT_ROOT, Settings
from bot.tools.stack import free_port
from tests.e2e.chat import ARTIFACTS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS = ARTIFACTS / "browser"
PHONE = {"width": 375, "height": 667}


@pytest.fixture(scope="session")
def web_app(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The web app alone (`python -m bot.web`), for staff pages that need no bot.

    Same shape as the `stack` fixture where the staff tests look: web_url, settings."""
    var_dir = tmp_path_factory.mktemp("web-var")
    settings = Settings.from_env({
        "DATABASE_URL": f"sqlite:///{var_dir / 'app.db'}", "WEB_PORT": str(free_port()),
        "STAFF_EMAIL": "staff@example.org", "STAFF_PASSWORD": "correct horse battery staple",
    })
    upgrade(settings.database_url)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    env.update(PYTHONPATH=str(PROJECT_ROOT), DATABASE_URL=settings.database_url,
               WEB_PORT=str(settings.web_port), STAFF_EMAIL=settings.staff_email,
               STAFF_PASSWORD=settings.staff_password)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(ARTIFACTS / "web-only.log", "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot.web"], cwd=PROJECT_ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    app = SimpleNamespace(web_url=f"http://localhost:{settings.web_port}", settings=settings)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{app.web_url}/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the web app did not start (test-artifacts/web-only.log)")
                time.sleep(0.2)
        yield app
    finally:
        process.terminate()
        process.wait(10)


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is
# open, which would break `asyncio.run` in the test modules that follow the browser tests.
@pytest.fixture(scope="module")
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


def run_db(app, work):
    """Run `await work(session)` in one transaction on the stack's app database.

    In a worker thread: Playwright's sync API keeps an event loop running in this one."""

    async def _run():
        engine = make_engine(app.settings.database_url)
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


def staff_login(page: Page, app, next_path: str = "/staff") -> None:
    page.goto(f"{app.web_url}{next_path}")
    page.get_by_label("E-Mail").fill(app.settings.staff_email)
    page.get_by_label("Passwort").fill(app.settings.staff_password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{app.web_url}{next_path}*")


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
