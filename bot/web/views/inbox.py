"""Training inbox in the staff app: review real questions, export them to the training data.

Every staff user may look at the (redacted) inbox; reviewing and exporting need the
maintainer or admin role. The JSON API follows contracts.md (`GET /staff/api/inbox`).
"""

from __future__ import annotations

import math
from functools import partial

from aiohttp import web

from bot.db.base import utcnow
from bot.db.models import INBOX_STATUSES
from bot.settings import PROJECT_ROOT
from bot.desk import inbox as queries
from bot.desk.errors import Invalid
from bot.desk.intents import FALLBACK_INTENT, known_intents
from bot.training.export import export_reviewed
from bot.desk.languages import LANGUAGES
from bot.web.auth import current_staff, require_role
from bot.web.i18n import ui_language
from bot.web.keys import SESSIONMAKER
from bot.web.templating import template
from bot.web.views.forms import redirect, zone

REVIEWERS = ("maintainer", "admin")
PER_PAGE = 50
API_DEFAULT_LIMIT = 100
API_MAX_LIMIT = 1000
# The project tree the export button writes into (tests point it at a copy).
PROJECT = PROJECT_ROOT

# key: (German, English) — the inbox's own UI strings.
STRINGS: dict[str, tuple[str, str]] = {
    "title": ("Trainings-Eingang", "Training inbox"),
    "intro": (
        "Echte Fragen aus dem Chat, ohne personenbezogene Daten. Unsichere Erkennungen stehen oben. "
        "Bestätigte und umbenannte Fragen werden mit „Exportieren“ zu Trainingsdaten; "
        "danach trainiert und prüft `make retrain` ein neues Modell.",
        "Real questions from the chat, with personal data removed. Uncertain predictions come first. "
        "Confirmed and relabelled questions become training data with “Export”; "
        "`make retrain` then trains and checks a new model.",
    ),
    "search": ("Text enthält", "Text contains"),
    "intent": ("Erkannte Absicht", "Predicted intent"),
    "confidence": ("Sicherheit", "Confidence"),
    "candidates": ("Alternativen", "Alternatives"),
    "count": ("Anzahl", "Count"),
    "text": ("Frage", "Question"),
    "last_seen": ("Zuletzt", "Last asked"),
    "label": ("Absicht (Training)", "Training intent"),
    "lang_none": ("unbekannt", "unknown"),
    "status_all": ("alle", "all"),
    "status_new": ("neu", "new"),
    "status_confirmed": ("bestätigt", "confirmed"),
    "status_relabelled": ("umbenannt", "relabelled"),
    "status_out_of_scope": ("außerhalb", "out of scope"),
    "status_discarded": ("verworfen", "discarded"),
    "status_exported": ("exportiert", "exported"),
    "action_confirm": ("Bestätigen", "Confirm"),
    "action_relabel": ("Umbenennen in", "Relabel to"),
    "action_out_of_scope": ("Außerhalb", "Out of scope"),
    "action_discard": ("Verwerfen", "Discard"),
    "action_reopen": ("Zurück auf neu", "Reopen"),
    "selected": ("Ausgewählte:", "Selected:"),
    "action": ("Aktion", "Action"),
    "select_all": ("Alle auswählen", "Select all"),
    "select_row": ("Auswählen", "Select"),
    "apply": ("Anwenden", "Apply"),
    "choose_intent": ("Absicht wählen…", "Choose intent…"),
    "fallback": ("unsicher (Fallback)", "uncertain (fallback)"),
    "export": ("Exportieren in data/nlu", "Export to data/nlu"),
    "export_hint": (
        "{n} geprüfte Fragen warten auf den Export.", "{n} reviewed questions are waiting for export."),
    "empty": ("Keine Fragen für diesen Filter.", "No questions for this filter."),
    "reviewed": ("{changed} geändert, {skipped} übersprungen.", "{changed} changed, {skipped} skipped."),
    "exported": ("{written} Beispiele exportiert ({de} de, {en} en), {known} schon bekannt, {skipped} übersprungen.",
                 "{written} examples exported ({de} de, {en} en), {known} already known, {skipped} skipped."),
    "read_only": ("Nur Lesen: Prüfen dürfen Maintainer und Admins.", "Read only: maintainers and admins review."),
    "page_of": ("Seite {page} von {pages} ({total} Fragen)", "Page {page} of {pages} ({total} questions)"),
    "previous": ("Zurück", "Previous"),
    "next": ("Weiter", "Next"),
    "filter": ("Filtern", "Filter"),
    "reset": ("Zurücksetzen", "Reset"),
    "date_from": ("von", "from"),
    "date_to": ("bis", "to"),
    "language": ("Sprache", "Language"),
    "status": ("Status", "Status"),
    "all": ("alle", "all"),
}


def _translate(lang: str, key: str, **values: object) -> str:
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "de" else pair[1]
    return text.format(**values) if values else text


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(value))) if value else default
    except ValueError:
        raise web.HTTPBadRequest() from None


def _list_url(request: web.Request, query: dict[str, str]) -> str:
    return str(request.app.router["staff_inbox"].url_for().with_query(query))


def _message(request: web.Request, lang: str) -> str | None:
    """The result line after a POST → redirect, from numbers only (no reflected text)."""
    q = request.query
    numbers = {k: _int(q.get(k), 0, 0, 10**9) for k in ("changed", "skipped", "written", "de", "en", "known")}
    if q.get("done") == "reviewed":
        return _translate(lang, "reviewed", **numbers)
    if q.get("done") == "exported":
        return _translate(lang, "exported", **numbers)
    return None


@template("staff/inbox.html")
async def inbox_page(request: web.Request) -> dict:
    flt = queries.InboxFilter.from_query(request.query)
    page = _int(request.query.get("page"), 1, 1, 10**6)
    async with request.app[SESSIONMAKER]() as session:
        rows, total = await queries.list_inbox(
            session, flt, zone(request), limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        counts = await queries.status_counts(session)
        predicted = await queries.predicted_intents(session)
    lang = ui_language(request)
    staff = current_staff(request)
    return {
        "rows": rows, "total": total, "page": page, "pages": max(1, math.ceil(total / PER_PAGE)),
        "flt": flt, "filter_query": flt.as_query(), "counts": counts,
        "statuses": INBOX_STATUSES, "languages": LANGUAGES, "predicted": predicted,
        "intents": known_intents(PROJECT), "can_review": staff.role in REVIEWERS,
        "exportable": sum(counts[s] for s in queries.EXPORTABLE),
        "ti": partial(_translate, lang), "message": _message(request, lang),
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
    limit = _int(request.query.get("limit"), API_DEFAULT_LIMIT, 1, API_MAX_LIMIT)
    offset = _int(request.query.get("offset"), 0, 0, 10**9)
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
