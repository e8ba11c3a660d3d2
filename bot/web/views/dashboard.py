"""Dashboard: status counts, slot counts, hand-offs per week by topic and by language, and the
yearly figures of the answers (knowledge/figures.yml) that expire within 60 days."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from bot.db.base import utcnow
from bot.desk import audit, stats
from bot.desk.listing import page_count, page_number
from bot.web.auth import require_role
from bot.web.chart import stacked_bars
from bot.web.i18n import translate, ui_language
from bot.web.keys import SESSIONMAKER
from bot.web.views.forms import zone
from bot.web.templating import template, topic_name
from rasa_side import knowledge  # pure Python + YAML: the figures file's one reader


@template("staff/dashboard.html")
async def dashboard(request: web.Request) -> dict:
    now = utcnow()
    async with request.app[SESSIONMAKER]() as session:
        by_topic, by_language = await stats.handoffs_per_week(session, now, zone(request))
        statuses = await stats.status_counts(session)
        booked, free = await stats.slot_counts(session, now)
    lang = ui_language(request)
    t = partial(translate, lang)
    other = t("other_series")
    return {
        "topic_chart": stacked_bars(by_topic, lambda key: topic_name(key, lang) or t("none_topic"),
                                    other),
        "language_chart": stacked_bars(by_language, lambda key: t(f"lang_{key}"), other),
        "statuses": statuses, "booked": booked, "free": free,
        "figures": knowledge.to_update(knowledge.load_figures(), now.date()),
        "lang": lang,
    }


@require_role("admin", "maintainer")
@template("staff/audit.html")
async def audit_log(request: web.Request) -> dict:
    page = page_number(request.query.get("page"))
    per_page = 100
    async with request.app[SESSIONMAKER]() as session:
        rows, total = await audit.recent(session, limit=per_page, offset=(page - 1) * per_page)
    return {"rows": rows, "page": page, "pages": page_count(total, per_page), "total": total}
