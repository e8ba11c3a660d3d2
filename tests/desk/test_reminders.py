"""Reminder mails 24 h before: sent once across concurrent runs and restarts, never for a
cancelled booking, retried after a mail failure, again for a moved booking."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.migrate import upgrade
from bot.db.models import Booking, Ticket
from bot.db.session import make_engine, make_sessionmaker
from bot.desk import reminders
from bot.handoff import service
from bot.scheduler.jobs import send_reminders, stack_jobs
from bot.scheduler.runner import Job, Runner
from bot.settings import PROJECT_ROOT, Settings
from bot.tools.stack import child_env, free_port
from tests.desk.conftest import FIRST, NOW

LABELS = {"responses": {"utter_intent_label_blue_card": [
    {"text": "Blaue Karte EU", "condition": [{"type": "slot", "name": "language", "value": "de"}]}]}}
DUE = FIRST - timedelta(hours=23)  # within 24 h of the first slot


@pytest.fixture
def settings(sink, tmp_path):
    return replace(Settings(), smtp_host=sink.host, smtp_port=sink.port, secret_key="k",
                   public_url="https://desk.example", mail_outbox=tmp_path / "outbox")


async def _booking(sm, reference) -> Booking:
    async with sm() as session:
        return await session.scalar(
            select(Booking).join(Ticket, Ticket.id == Booking.ticket_id)
            .where(Ticket.reference == reference))


async def test_two_concurrent_runs_send_one_reminder_with_time_reference_and_links(
        sessionmaker, desk_slots, book, settings, sink):
    booked = await book(desk_slots[2])  # video, Tuesday 12:00 Berlin
    due = desk_slots[2].start - timedelta(hours=23)
    results = await asyncio.gather(*(send_reminders(sessionmaker, settings, due, LABELS)
                                     for _ in range(2)))
    assert sorted(results) == [0, 1]
    [mail] = sink.to("Anna@Example.org")
    body = mail.get_content()
    assert mail["Subject"] == "Erinnerung: Ihr Beratungstermin beim Expat Service Desk: " \
                              "Dienstag, 8. Dezember 2026, 12:00 Uhr"
    assert "Termin:     Dienstag, 8. Dezember 2026, 12:00 Uhr (Zeitzone Europe/Berlin)" in body
    assert f"Referenz:   {booked.reference}" in body and "Form:       per Video" in body
    assert "Thema:      Blaue Karte EU" in body
    assert body.count("https://desk.example/booking/") == 2
    row = await _booking(sessionmaker, booked.reference)
    assert row.reminded_start == row.start and row.reminder_sent_at == due
    assert row.reminder_claimed_at is None


async def test_no_second_reminder_after_a_restart(database_url, desk_slots, book, settings, sink):
    await book(desk_slots[0])
    for _ in range(2):  # a fresh engine and runner each time: a restarted scheduler
        engine = make_engine(database_url)
        try:
            runner = Runner(stack_jobs(make_sessionmaker(engine), settings), clock=lambda: DUE)
            assert "reminders" in await runner.run_due()
        finally:
            await engine.dispose()
    assert len(sink.messages) == 1


async def test_not_due_yet_and_not_for_cancelled_or_started(sessionmaker, desk_slots, book,
                                                            settings, sink):
    early = await book(desk_slots[0])
    await book(desk_slots[5], email="late@example.org")  # starts 5 h after the first
    assert await send_reminders(sessionmaker, settings, FIRST - timedelta(hours=30), LABELS) == 0
    await service.cancel(sessionmaker, early.reference, "anna@example.org", NOW)
    assert await send_reminders(sessionmaker, settings, DUE, LABELS) == 0  # cancelled
    late_due = desk_slots[5].start - timedelta(hours=1)
    assert await send_reminders(sessionmaker, settings, late_due, LABELS) == 1
    assert [m["To"] for m in sink.messages] == ["late@example.org"]
    after_start = desk_slots[5].start + timedelta(minutes=1)
    assert await send_reminders(sessionmaker, settings, after_start, LABELS) == 0


async def test_no_reminder_for_a_booking_made_within_the_last_24_hours(
        sessionmaker, desk_slots, book, settings, sink):
    await book(desk_slots[0], booked_at=DUE - timedelta(minutes=30))  # 23.5 h before it starts
    assert await send_reminders(sessionmaker, settings, DUE, LABELS) == 0
    assert sink.messages == []


async def test_mail_failure_releases_the_claim_and_the_next_round_sends(
        sessionmaker, desk_slots, book, settings, sink, caplog):
    booked = await book(desk_slots[1])
    down = replace(settings, smtp_port=free_port())
    with caplog.at_level(logging.WARNING):
        assert await send_reminders(sessionmaker, down, DUE, LABELS) == 0
    assert "anna@example.org" not in caplog.text.lower()
    row = await _booking(sessionmaker, booked.reference)
    assert row.reminder_claimed_at is None and row.reminded_start is None
    assert await send_reminders(sessionmaker, settings, DUE + timedelta(minutes=1), LABELS) == 1
    assert len(sink.messages) == 1


async def test_a_run_that_died_after_claiming_is_retried_after_the_lease(
        sessionmaker, desk_slots, book, settings, sink):
    booked = await book(desk_slots[0])
    booking_id = (await _booking(sessionmaker, booked.reference)).id
    async with sessionmaker() as session, session.begin():
        assert await reminders.claim(session, booking_id, DUE) is not None  # then it "crashed"
    assert await send_reminders(sessionmaker, settings, DUE + timedelta(minutes=5), LABELS) == 0
    later = DUE + reminders.CLAIM_LEASE + timedelta(seconds=1)
    assert await send_reminders(sessionmaker, settings, later, LABELS) == 1


async def test_a_moved_booking_is_reminded_of_its_new_time(sessionmaker, desk_slots, book,
                                                           settings, sink):
    booked = await book(desk_slots[0])
    assert await send_reminders(sessionmaker, settings, DUE, LABELS) == 1
    await service.reschedule(sessionmaker, booked.reference, "anna@example.org",
                             desk_slots[4].id, DUE)
    assert await send_reminders(sessionmaker, settings, DUE + timedelta(minutes=1), LABELS) == 0
    new_due = desk_slots[4].start - timedelta(hours=23)
    assert await send_reminders(sessionmaker, settings, new_due, LABELS) == 1
    assert await send_reminders(sessionmaker, settings, new_due + timedelta(hours=1), LABELS) == 0
    assert [m["Subject"].rsplit(": ", 1)[1] for m in sink.messages] == [
        "Dienstag, 8. Dezember 2026, 10:00 Uhr", "Dienstag, 8. Dezember 2026, 14:00 Uhr"]


async def test_runner_keeps_intervals_and_survives_a_failing_job(caplog):
    clock = [NOW]
    calls = []

    async def boom(now):
        raise RuntimeError("broken job")

    async def ok(now):
        calls.append(now)

    runner = Runner([Job("boom", timedelta(minutes=1), boom), Job("ok", timedelta(minutes=10), ok)],
                    clock=lambda: clock[0])
    assert await runner.run_due() == ["boom", "ok"]
    assert "job boom failed" in caplog.text
    clock[0] = NOW + timedelta(minutes=2)
    assert await runner.run_due() == ["boom"]
    clock[0] = NOW + timedelta(minutes=10)
    assert await runner.run_due() == ["boom", "ok"] and calls == [NOW, NOW + timedelta(minutes=10)]


async def test_follow_stops_when_asked():
    stop = asyncio.Event()
    rounds = []

    async def job(now):
        rounds.append(now)
        stop.set()

    await asyncio.wait_for(Runner([Job("j", timedelta(0), job)]).follow(30, stop), timeout=5)
    assert len(rounds) == 1


def test_the_scheduler_process_runs_and_stops_on_sigterm(sqlite_url, tmp_path):
    """`python -m bot.scheduler` with the environment the stack gives it."""
    upgrade(sqlite_url)
    settings = replace(Settings(), database_url=sqlite_url, scheduler_poll_seconds=0.2,
                       mail_outbox=tmp_path / "outbox")
    env = child_env(settings, "scheduler", {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    process = subprocess.Popen([sys.executable, "-m", "bot.scheduler"], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output = ""
        for line in process.stdout:
            output += line
            if output.count("job reminders done") >= 2:
                break
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, output
    finally:
        if process.poll() is None:
            process.kill()
