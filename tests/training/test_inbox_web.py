"""The inbox in the staff app: JSON API (contracts.md), pages, review and export buttons, roles."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.db.models import InboxMessage
from bot.settings import Settings
from bot.desk.staff_users import upsert_user
from bot.ingest.inbox import text_hash
from bot.web.app import create_app
from bot.web.keys import SESSIONMAKER
from tests.staff.conftest import log_in

ADMIN = ("lead@example.org", "correct horse battery staple")
MAINTAINER = ("mia@example.org", "maintainer password 123")
STAFF = ("sam@example.org", "staff password 1234")
TOKEN = "inbox-api-token"


@pytest.fixture
async def app_client(aiohttp_client, database_url):
    settings = replace(Settings(), database_url=database_url, staff_email=ADMIN[0],
                       staff_password=ADMIN[1], staff_api_token=TOKEN)
    client = await aiohttp_client(create_app(settings))
    sm = client.server.app[SESSIONMAKER]
    async with sm() as s, s.begin():
        await upsert_user(s, *MAINTAINER, role="maintainer")
        await upsert_user(s, *STAFF, role="staff")
        for text, intent, conf, lang, status in [
            ("Blue Card <NUMBER> Gehalt?", "blue_card", 0.55, "de", "new"),
            ("what is <EMAIL> for", "nlu_fallback", 0.31, "en", "new"),
            ("hello", "greet", 0.99, "en", "new"),
            ("done already", "greet", 0.9, "en", "discarded"),
        ]:
            s.add(InboxMessage(text=text, text_hash=text_hash(text), intent=intent, confidence=conf,
                               language=lang, status=status, ranking=[{"name": "blue_card", "confidence": 0.31}]))
    return client


def _bearer(token=TOKEN):
    return {"Authorization": f"Bearer {token}"}


async def test_api_inbox_contract_and_filters(app_client):
    response = await app_client.get("/staff/api/inbox", headers=_bearer())
    assert response.status == 200
    items = await response.json()
    assert [i["text"] for i in items] == ["what is <EMAIL> for", "Blue Card <NUMBER> Gehalt?", "hello"]
    for item in items:
        assert {"id", "text", "language", "intent", "confidence", "created_at", "status"} <= set(item)
        assert item["status"] == "new"
    assert response.headers["X-Total-Count"] == "3"

    async def texts(query):
        r = await app_client.get(f"/staff/api/inbox?{query}", headers=_bearer())
        return [i["text"] for i in await r.json()]

    assert await texts("language=de") == ["Blue Card <NUMBER> Gehalt?"]
    assert await texts("q=email") == ["what is <EMAIL> for"]
    assert await texts("status=discarded") == ["done already"]
    assert len(await texts("status=all")) == 4
    assert await texts("limit=1&offset=1") == ["Blue Card <NUMBER> Gehalt?"]


async def test_api_needs_authentication(app_client):
    assert (await app_client.get("/staff/api/inbox")).status == 401
    assert (await app_client.get("/staff/api/inbox", headers=_bearer("wrong"))).status == 401
    # The read-only token may not review.
    response = await app_client.post("/staff/api/inbox/review", headers=_bearer(),
                                     json={"ids": [1], "action": "discard"})
    assert response.status == 403


async def test_maintainer_reviews_per_item_and_in_bulk_then_exports(app_client, tmp_path, monkeypatch):
    import bot.web.views.inbox as inbox_views

    # A throwaway project tree: its domain names the intents, the export writes into it.
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "d.yml").write_text('version: "3.1"\nintents: [greet, blue_card]\n')
    (tmp_path / "data" / "nlu" / "en").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "de").mkdir(parents=True)
    monkeypatch.setattr(inbox_views, "PROJECT", tmp_path)
    csrf = await log_in(app_client, *MAINTAINER)
    page = await app_client.get("/staff/inbox")
    html = await page.text()
    assert page.status == 200 and "what is &lt;EMAIL&gt; for" in html  # escaped, redacted
    # lowest confidence / fallback first
    assert html.index("what is &lt;EMAIL&gt;") < html.index("Blue Card &lt;NUMBER&gt;") < html.index(">hello<")
    ids = {i["text"]: i["id"] for i in await (await app_client.get("/staff/api/inbox?status=all")).json()}

    # per item: relabel the fallback
    fallback = ids["what is <EMAIL> for"]
    response = await app_client.post("/staff/inbox/review?status=new", data={
        "csrf_token": csrf, "one": f"{fallback}:relabel", f"label_{fallback}": "blue_card"},
        allow_redirects=False)
    assert response.status == 302 and "changed=1" in response.headers["Location"]
    # bulk: confirm two
    response = await app_client.post("/staff/inbox/review", data=[
        ("csrf_token", csrf), ("ids", str(ids["Blue Card <NUMBER> Gehalt?"])), ("ids", str(ids["hello"])),
        ("action", "confirm"), ("label", "")], allow_redirects=False)
    assert response.status == 302 and "changed=2" in response.headers["Location"]
    # without the CSRF token nothing happens
    response = await app_client.post("/staff/inbox/review", data={"one": f"{fallback}:discard"},
                                      allow_redirects=False)
    assert response.status == 403
    # JSON review with the CSRF header
    response = await app_client.post("/staff/api/inbox/review", headers={"X-CSRF-Token": csrf},
                                     json={"ids": [ids["done already"]], "action": "reopen"})
    assert await response.json() == {"changed": 1, "skipped": 0}

    state = {i["text"]: (i["status"], i["label"])
             for i in await (await app_client.get("/staff/api/inbox?status=all")).json()}
    assert state == {
        "what is <EMAIL> for": ("relabelled", "blue_card"),
        "Blue Card <NUMBER> Gehalt?": ("confirmed", "blue_card"),
        "hello": ("confirmed", "greet"),
        "done already": ("new", None),
    }

    # export button
    response = await app_client.post("/staff/inbox/export", data={"csrf_token": csrf}, allow_redirects=False)
    assert response.status == 302
    assert "written=3" in response.headers["Location"]
    assert (tmp_path / "data/nlu/en/inbox.yml").exists() and (tmp_path / "data/nlu/de/inbox.yml").exists()
    page = await app_client.get(response.headers["Location"])
    assert re.search(r"3 (Beispiele exportiert|examples exported)", await page.text())


async def test_plain_staff_reads_but_cannot_review(app_client):
    csrf = await log_in(app_client, *STAFF)
    page = await app_client.get("/staff/inbox")
    html = await page.text()
    assert page.status == 200 and "Blue Card &lt;NUMBER&gt; Gehalt?" in html
    assert 'name="one"' not in html
    response = await app_client.post("/staff/inbox/review", data={"csrf_token": csrf, "one": "1:discard"},
                                     allow_redirects=False)
    assert response.status == 403
    response = await app_client.post("/staff/inbox/export", data={"csrf_token": csrf}, allow_redirects=False)
    assert response.status == 403
