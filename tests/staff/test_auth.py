"""Login, sessions, CSRF, rate limit, roles, bearer token, bootstrap account."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.desk.staff_users import upsert_user
from bot.web.app import create_app
from bot.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from tests.staff.conftest import API_TOKEN, STAFF_EMAIL, STAFF_PASSWORD, hidden_csrf, log_in


async def test_staff_pages_redirect_to_login(client):
    for path in ("/staff", "/staff/tickets", "/staff/slots", "/staff/tickets/ESD-AAAAA"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 302
        assert response.headers["Location"].startswith("/staff/login?next=/staff")


async def test_api_without_credentials_is_401_json(client):
    response = await client.get("/staff/api/tickets")
    assert response.status == 401
    assert (await response.json()) == {"error": "unauthorized"}


async def test_bootstrap_account_logs_in_and_cookie_is_hardened(client):
    page = await client.get("/staff/login")
    response = await client.post("/staff/login", data={
        "email": STAFF_EMAIL.upper(), "password": STAFF_PASSWORD,
        "csrf_token": hidden_csrf(await page.text()), "next": "/staff/slots"},
        allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/staff/slots"
    cookie = response.headers.getall("Set-Cookie")
    session_cookie = next(c for c in cookie if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie
    assert (await client.get("/staff/slots")).status == 200


async def test_secure_cookie_when_configured(aiohttp_client, settings):
    client = await aiohttp_client(create_app(replace(settings, cookie_secure=True)))
    page = await client.get("/staff/login")
    login_cookie = next(c for c in page.headers.getall("Set-Cookie")
                        if c.startswith(LOGIN_CSRF_COOKIE + "="))
    assert "Secure" in login_cookie
    token = hidden_csrf(await page.text())
    # The test client speaks plain HTTP, so it would not send Secure cookies back by itself.
    response = await client.post("/staff/login", data={
        "email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": token},
        cookies={LOGIN_CSRF_COOKIE: token}, allow_redirects=False)
    session_cookie = next(c for c in response.headers.getall("Set-Cookie")
                          if c.startswith(SESSION_COOKIE + "="))
    assert "Secure" in session_cookie


async def test_wrong_password_is_refused(client):
    page = await client.get("/staff/login")
    response = await client.post("/staff/login", data={
        "email": STAFF_EMAIL, "password": "wrong", "csrf_token": hidden_csrf(await page.text())},
        allow_redirects=False)
    assert response.status == 401
    assert "E-Mail oder Passwort ist falsch" in await response.text()
    assert (await client.get("/staff/tickets", allow_redirects=False)).status == 302


async def test_login_without_csrf_is_forbidden(client):
    await client.get("/staff/login")
    response = await client.post("/staff/login", data={
        "email": STAFF_EMAIL, "password": STAFF_PASSWORD}, allow_redirects=False)
    assert response.status == 403


async def test_login_is_rate_limited(client):
    page = await client.get("/staff/login")
    csrf = hidden_csrf(await page.text())
    statuses = []
    for _ in range(6):
        response = await client.post("/staff/login", data={
            "email": STAFF_EMAIL, "password": "guess", "csrf_token": csrf}, allow_redirects=False)
        statuses.append(response.status)
    assert statuses == [401] * 5 + [429]
    # Even the right password waits now.
    response = await client.post("/staff/login", data={
        "email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": csrf},
        allow_redirects=False)
    assert response.status == 429 and int(response.headers["Retry-After"]) > 0


async def test_post_without_csrf_is_forbidden(client, staff):
    response = await client.post("/staff/slots", data={"date": "2099-01-05", "time": "10:00",
                                                        "minutes": "30", "weeks": "1"})
    assert response.status == 403
    assert "Keine Berechtigung" in await response.text()
    response = await client.post("/staff/slots", data={"date": "2099-01-05", "time": "10:00",
                                                        "minutes": "30", "weeks": "1",
                                                        "csrf_token": "forged"})
    assert response.status == 403


async def test_csrf_header_is_accepted(client, staff):
    response = await client.post("/staff/slots", data={
        "date": "2099-01-05", "time": "10:00", "minutes": "30", "weeks": "1"},
        headers={"X-CSRF-Token": staff}, allow_redirects=False)
    assert response.status == 302 and "msg=slots_created" in response.headers["Location"]


async def test_logout_ends_the_server_side_session(client, staff):
    token = client.session.cookie_jar.filter_cookies(client.make_url("/staff"))[SESSION_COOKIE].value
    response = await client.post("/staff/logout", data={"csrf_token": staff}, allow_redirects=False)
    assert response.status == 302
    assert (await client.get("/staff/tickets", allow_redirects=False)).status == 302
    # Replaying the old cookie does not work either: the session row is gone.
    replay = await client.get("/staff/tickets", allow_redirects=False,
                              cookies={SESSION_COOKIE: token})
    assert replay.status == 302


async def test_bearer_token_opens_the_api_only(client):
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    assert (await client.get("/staff/api/tickets", headers=headers)).status == 200
    assert (await client.get("/staff/api/tickets",
                             headers={"Authorization": "Bearer wrong"})).status == 401
    response = await client.get("/staff/tickets", headers=headers, allow_redirects=False)
    assert response.status == 302


async def test_no_api_token_configured_means_no_bearer_access(aiohttp_client, settings):
    client = await aiohttp_client(create_app(replace(settings, staff_api_token=None)))
    response = await client.get("/staff/api/tickets", headers={"Authorization": "Bearer "})
    assert response.status == 401


async def test_audit_page_needs_admin_or_maintainer(client, sessionmaker):
    async with sessionmaker() as session, session.begin():
        await upsert_user(session, "clerk@example.org", "a long enough password", role="staff")
    await log_in(client, "clerk@example.org", "a long enough password")
    response = await client.get("/staff/audit")
    assert response.status == 403


async def test_audit_page_lists_logins_for_admin(client, staff):
    response = await client.get("/staff/audit")
    assert response.status == 200
    text = await response.text()
    assert STAFF_EMAIL in text and "Anmeldung" in text


async def test_next_parameter_cannot_leave_the_staff_app(client):
    page = await client.get("/staff/login")
    response = await client.post("/staff/login", data={
        "email": STAFF_EMAIL, "password": STAFF_PASSWORD,
        "csrf_token": hidden_csrf(await page.text()), "next": "//evil.example/staff"},
        allow_redirects=False)
    assert response.headers["Location"] == "/staff"


async def test_language_switch(client, staff):
    assert "Anfragen" in await (await client.get("/staff/tickets")).text()
    response = await client.get("/staff/lang/en?next=/staff/tickets")
    text = await response.text()
    assert response.status == 200 and "<h1>Tickets</h1>" in text and 'lang="en"' in text


async def test_unknown_pages_get_the_404_page(client, staff):
    response = await client.get("/staff/tickets/ESD-ZZZZZ")
    assert response.status == 404 and "Nicht gefunden" in await response.text()
    api = await client.get("/staff/api/tickets/ESD-ZZZZZ")
    assert api.status == 404 and (await api.json()) == {"error": "not_found"}


@pytest.mark.parametrize("role", ["staff", "maintainer", "admin"])
async def test_upsert_user_sets_role_and_rehashes(sessionmaker, role):
    async with sessionmaker() as session, session.begin():
        user, created = await upsert_user(session, " New@Example.org ", "first password!", role=role)
        assert created and user.email == "new@example.org" and user.role == role
        old_hash = user.password_hash
        again, created = await upsert_user(session, "new@example.org", "second password!")
        assert not created and again.id == user.id and again.password_hash != old_hash
        assert again.role == role


async def test_bearer_api_posts_need_no_csrf_but_cookie_posts_do(aiohttp_client, settings):
    from aiohttp import web

    async def echo(request):
        return web.json_response({"ok": True})

    app = create_app(settings)
    app.router.add_post("/staff/api/echo", echo)
    client = await aiohttp_client(app)
    bearer = {"Authorization": f"Bearer {API_TOKEN}"}
    assert (await client.post("/staff/api/echo", json={}, headers=bearer)).status == 200
    token = await log_in(client)
    assert (await client.post("/staff/api/echo", json={})).status == 403
    assert (await client.post("/staff/api/echo", json={},
                              headers={"X-CSRF-Token": token})).status == 200
