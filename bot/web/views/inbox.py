"""Training inbox in the staff app: review real questions, export them to the training data.

Every staff user may look at the (redacted) inbox; reviewing and exporting need the
maintainer or admin role. The JSON API follows contracts.md (`GET /staff/api/inbox`).
"""

from __future__ import annotations

from aiohttp import web

from bot.db.base import utcnow
from bot.db.models import INBOX_STATUSES
from bot.settings import PROJECT_ROOT
from bot.desk import inbox as queries
from bot.desk.errors import Invalid
from bot.desk.intents import FALLBACK_INTENT, known_intents
from bot.training.export import export_reviewed
from bot.desk.languages import LANGUAGES
from bot.desk.listing import page_count
from bot.web.auth import current_staff, require_role
from bot.web.i18n import translate, ui_language
from bot.web.keys import SESSIONMAKER
from bot.web.templating import template
from bot.web.views.forms import query_int, redirect, zone

REVIEWERS = ("maintainer", "admin")
PER_PAGE = 50
API_DEFAULT_LIMIT = 100
API_MAX_LIMIT = 1000
# The project tree the export button writes into (tests point it at a copy).
PROJECT = PROJECT_ROOT


def _list_url(request: web.Request, query: dict[str, str]) -> str:
    return str(request.app.router["staff_inbox"].url_for().with_query(query))


def _message(request: web.Request, lang: str) -> str | None:
    """The result line after a POST → redirect, from numbers only (no reflected text)."""
    q = request.query
    numbers = {k: query_int(q.get(k), 0, 0, 10**9) for k in ("changed", "skipped", "written", "de", "en", "known")}
    if q.get("done") == "reviewed":
        return translate(lang, "inbox_reviewed", **numbers)
    if q.get("done") == "exported":
        return translate(lang, "inbox_exported", **numbers)
    return None


@template("staff/inbox.html")
async def inbox_page(request: web.Request) -> dict:
    flt = queries.InboxFilter.from_query(request.query)
    page = query_int(request.query.get("page"), 1, 1, 10**6)
    async with request.app[SESSIONMAKER]() as session:
        rows, total = await queries.list_inbox(
            session, flt, zone(request), limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        counts = await queries.status_counts(session)
        predicted = await queries.predicted_intents(session)
    lang = ui_language(request)
    staff = current_staff(request)
    return {
        "rows": rows, "total": total, "page": page, "pages": page_count(total, PER_PAGE),
        "flt": flt, "filter_query": flt.as_query(), "counts": counts,
        "statuses": INBOX_STATUSES, "languages": LANGUAGES, "predicted": predicted,
        "intents": known_intents(PROJECT), "can_review": staff.role in REVIEWERS,
        "exportable": sum(counts[s] for s in queries.EXPORTABLE),
        "message": _message(request, lang),
        "error": request.query.get("error") == "invalid",
        "fallback_intent": FALLBACK_INTENT,
    }


def _review_request(form) -> tuple[list[int], str, str | None]:
    """Per-row buttons send `one=<id>:<action>`; the bulk bar sends ids + action + label."""
    one = form.get("one")
    if isinstance(one, str) and ":" in one:
        raw_id, action = one.split(":", 1)
        if not raw_id.isdigit():
            raise Invalid("bad id")
        label = form.get(f"label_{raw_id}") if action == "relabel" else None
        return [int(raw_id)], action, label if isinstance(label, str) else None
    ids = [int(v) for v in form.getall("ids", []) if isinstance(v, str) and v.isdigit()]
    action = form.get("action")
    label = form.get("label")
    return ids, action if isinstance(action, str) else "", label if isinstance(label, str) else None


@require_role(*REVIEWERS)
async def inbox_review(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    back = {k: v for k, v in request.query.items() if k in ("status", "language", "intent", "from", "to", "q", "page")}
    try:
        ids, action, label = _review_request(form)
        async with request.app[SESSIONMAKER]() as session, session.begin():
            result = await queries.review(session, ids, action, label=label,
                                          reviewer_id=current_staff(request).id,
                                          intents=known_intents(PROJECT), now=utcnow())
    except Invalid:
        raise redirect(_list_url(request, back), error="invalid")
    raise web.HTTPFound(_list_url(request, {**back, "done": "reviewed", "changed": str(result.changed),
                                            "skipped": str(result.skipped)}))


@require_role(*REVIEWERS)
async def inbox_export(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONMAKER]() as session, session.begin():
        result = await export_reviewed(session, PROJECT, reviewer_id=current_staff(request).id)
    skipped = sum(len(ids) for ids in result.skipped.values())
    raise web.HTTPFound(_list_url(request, {
        "status": "all", "done": "exported", "written": str(result.total_written),
        "de": str(result.written["de"]), "en": str(result.written["en"]),
        "known": str(result.already_known), "skipped": str(skipped)}))


async def api_inbox(request: web.Request) -> web.Response:
    """contracts.md: messages awaiting review (status=new unless `status` is given; `all`
    for every status), filtered by `language`, `intent`, `from`, `to`, `q`; `limit`/`offset`
    page, `X-Total-Count` says how many match. Fallbacks and low confidence first."""
    flt = queries.InboxFilter.from_query(request.query)
    limit = query_int(request.query.get("limit"), API_DEFAULT_LIMIT, 1, API_MAX_LIMIT)
    offset = query_int(request.query.get("offset"), 0, 0, 10**9)
    async with request.app[SESSIONMAKER]() as session:
        rows, total = await queries.list_inbox(session, flt, zone(request), limit, offset)
    return web.json_response([queries.message_json(r) for r in rows],
                             headers={"X-Total-Count": str(total)})


@require_role(*REVIEWERS)
async def api_inbox_review(request: web.Request) -> web.Response:
    """`{"ids": [...], "action": "confirm|relabel|out_of_scope|discard|reopen", "label"?}`
    (session + X-CSRF-Token header; the read-only API token may not review)."""
    try:
        body = await request.json()
        ids = [int(i) for i in body.get("ids") or []]
        action, label = str(body.get("action") or ""), body.get("label")
    except (ValueError, TypeError, AttributeError):
        raise web.HTTPBadRequest() from None
    async with request.app[SESSIONMAKER]() as session, session.begin():
        result = await queries.review(session, ids, action, label=label,
                                      reviewer_id=current_staff(request).id,
                                      intents=known_intents(PROJECT), now=utcnow())
    return web.json_response({"changed": result.changed, "skipped": result.skipped})
