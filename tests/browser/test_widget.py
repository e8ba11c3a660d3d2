"""An expat uses the chat widget on the demo page in a real browser, against the real bot."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.domain_files import responses
from tests.browser.conftest import BOT, PHONE, say, screenshot, tracker, widget_sender


def _variation(name: str, language: str) -> dict:
    """The `language` variation of a response (the general one where it has town variants)."""
    for variation in responses().get(name, []):
        conditions = variation.get("condition") or []
        if any(c.get("name") == "language" and c.get("value") == language for c in conditions) \
                and not any(c.get("name") == "answer_variant" and c.get("value") for c in conditions):
            return variation
    raise AssertionError(f"{name} has no {language} variation")


def _response_text(name: str, language: str) -> str:
    """The `language` variation of a response, as the widget shows it (link titles only)."""
    return re.sub(r"\[([^\]]+)\]\((https?://[^)]+)\)", r"\1", _variation(name, language)["text"])


def _last_answer(stack, sender: str) -> str:
    bot = [e for e in tracker(stack, sender)["events"] if e["event"] == "bot"]
    return (bot[-1].get("metadata") or {}).get("utter_action")


def _user_texts(stack, sender: str) -> list[str]:
    return [e.get("text") for e in tracker(stack, sender)["events"] if e["event"] == "user"]


def test_expat_asks_a_question_and_gets_the_answer(page, stack):
    page.goto(f"{stack.web_url}/?lang=en")
    page.get_by_role("button", name="Questions? Chat with us").click()
    expect(page.get_by_label("Message to the assistant")).to_be_focused()
    say(page, "How do I get a tax ID in Germany?")
    answer = page.locator(BOT).last
    expect(answer).to_contain_text("tax ID")
    name = _last_answer(stack, widget_sender(page))
    assert name and name.startswith("utter_tax_id"), name  # the overview or its sub-answer
    variation = _variation(name, "en")
    expect(answer).to_contain_text(_response_text(name, "en")[:60])
    # Markdown links are real links with their title; the buttons are real buttons.
    links = re.findall(r"\[([^\]]+)\]\((https?://[^)]+)\)", variation["text"])
    assert links, variation["text"]
    for title, url in links:
        link = answer.locator(f'a[href="{url}"]').first
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_text(title)
    for button in variation.get("buttons") or []:
        expect(answer.get_by_role("button", name=button["title"])).to_be_enabled()
    expect(page.locator(".edw-log")).to_have_attribute("aria-live", "polite")
    screenshot(page, "widget-answer-desktop")
    # Rasa keeps the question under the widget's conversation id.
    assert _user_texts(stack, widget_sender(page)) == ["How do I get a tax ID in Germany?"]


def test_page_language_reaches_the_bot_and_reload_continues(page, stack):
    page.goto(f"{stack.web_url}/?lang=de")
    page.get_by_role("button", name="Fragen? Chatten Sie mit uns").click()
    say(page, "ok")  # too short to tell a language: the page language decides
    sender = widget_sender(page)
    assert tracker(stack, sender)["slots"]["language"] == "de"
    page.reload()
    # Open state, history and conversation id survive the reload.
    expect(page.get_by_label("Nachricht an den Assistenten")).to_be_visible()
    expect(page.locator(".edw-from-user .edw-text")).to_have_text(["ok"])
    assert widget_sender(page) == sender
    say(page, "Hallo")
    expect(page.locator(BOT).last).to_contain_text("Hallo")
    assert _user_texts(stack, sender) == ["ok", "Hallo"]


def test_keyboard_only_and_phone_screen(browser, stack):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{stack.web_url}/?lang=en")
        launcher = page.locator(".edw-launcher")
        launcher.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#edw-input")).to_be_focused()
        panel = page.locator("#edw-panel").bounding_box()
        assert panel["width"] == PHONE["width"] and panel["height"] == PHONE["height"]
        before = page.locator(BOT).count()
        page.keyboard.type("Hello")
        page.keyboard.press("Enter")
        expect(page.locator(BOT)).to_have_count(before + 1, timeout=60_000)
        expect(page.locator(BOT).last).to_contain_text("Hello")
        screenshot(page, "widget-phone")
        page.keyboard.press("Escape")
        expect(page.locator("#edw-panel")).to_be_hidden()
        expect(launcher).to_be_focused()
        assert launcher.get_attribute("aria-expanded") == "false"
    finally:
        context.close()


def test_markup_typed_into_the_widget_stays_text(page, stack):
    payload = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'
    page.goto(f"{stack.web_url}/?lang=en")
    page.get_by_role("button", name="Questions? Chat with us").click()
    say(page, payload)
    expect(page.locator(".edw-from-user .edw-text")).to_have_text(payload)
    assert page.locator(".edw-log img").count() == 0
    assert page.evaluate("window.__pwned") is None and page.dialogs == []
