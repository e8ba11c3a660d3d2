"""Consultation mode per slot in the staff slots page: chosen when creating single or weekly
slots (default at the desk), shown in the list; the chat's free-slot queries filter by it."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import ConsultationSlot


async def _modes(sessionmaker) -> list[str]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(ConsultationSlot.mode).order_by(ConsultationSlot.start)))


async def test_weekly_video_slots_and_a_default_single_slot(client, staff, sessionmaker):
    page = await client.get("/staff/slots")
    html = await page.text()
    assert '<option value="desk" selected>vor Ort</option>' in html
    assert '<option value="video">Video</option>' in html
    weekly = await client.post("/staff/slots", data={
        "date": "2099-01-05", "time": "10:00", "minutes": "30", "weeks": "3", "mode": "video",
        "csrf_token": staff}, allow_redirects=False)
    assert weekly.status == 302 and "msg=slots_created" in weekly.headers["Location"]
    single = await client.post("/staff/slots", data={
        "date": "2099-02-02", "time": "09:00", "minutes": "30", "weeks": "1",
        "csrf_token": staff}, allow_redirects=False)
    assert single.status == 302
    assert await _modes(sessionmaker) == ["video", "video", "video", "desk"]
    listed = await (await client.get("/staff/slots")).text()
    assert listed.count('class="mode-video">Video</td>') == 3
    assert listed.count('class="mode-desk">vor Ort</td>') == 1
    english = await client.get("/staff/lang/en", params={"next": "/staff/slots"})
    assert 'class="mode-video">video</td>' in await english.text()


async def test_an_unknown_mode_is_refused(client, staff, sessionmaker):
    for mode in ("carrier pigeon", "<b>desk</b>", "DESK\r\n"):
        response = await client.post("/staff/slots", data={
            "date": "2099-01-05", "time": "10:00", "minutes": "30", "weeks": "1", "mode": mode,
            "csrf_token": staff}, allow_redirects=False)
        assert response.status == 302 and "error=invalid_slot" in response.headers["Location"]
    assert await _modes(sessionmaker) == []
