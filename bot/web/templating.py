"""Jinja2 templates (autoescaped) with the staff context: user, CSRF token, UI strings.

`render` / `@template` add that context when a template renders, so error pages
rendered by the outermost middleware see the same user and language as views.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from functools import partial, wraps
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.handoff.labels import domain_labels, intent_label
from bot.web.i18n import translate, ui_language
from bot.web.keys import CSRF_TOKEN, STAFF

TEMPLATES = Path(__file__).with_name("templates")


def page_context(request: web.Request) -> dict[str, Any]:
    lang = ui_language(request)
    return {"request": request, "staff": request.get(STAFF), "csrf_token": request.get(CSRF_TOKEN),
            "ui_lang": lang, "t": partial(translate, lang)}


def render_string(name: str, request: web.Request, context: Mapping[str, Any]) -> str:
    return aiohttp_jinja2.render_string(name, request, {**page_context(request), **context})


def render(name: str, request: web.Request, context: Mapping[str, Any],
           status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(name, request, {**page_context(request), **context},
                                          status=status)


def template(name: str):
    """`@template("x.html")` on a view returning its context dict."""

    def decorate(view: Callable[[web.Request], Awaitable[Mapping[str, Any]]]):
        @wraps(view)
        async def wrapper(request: web.Request) -> web.Response:
            return render(name, request, await view(request))

        return wrapper

    return decorate


def topic_name(topic: str | None, lang: str) -> str:
    """A topic intent ("tax_id") by its name in `lang`; a topic the user typed stays as is."""
    if not topic:
        return ""
    return intent_label(domain_labels(), topic, lang) or topic


def setup_templates(app: web.Application, timezone: str) -> None:
    zone = ZoneInfo(timezone)

    @jinja2.pass_context
    def topic_label(context, topic: str | None) -> str:
        return topic_name(topic, context.get("ui_lang"))

    def localtime(value: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
        return value.astimezone(zone).strftime(fmt) if value else ""

    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html", "svg"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["localtime"] = localtime
    env.filters["topic_label"] = topic_label
    env.filters["weekday"] = lambda value: value.astimezone(zone).weekday()
    env.globals["timezone"] = timezone
