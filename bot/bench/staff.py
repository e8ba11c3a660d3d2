"""Staff ticket list with 10,000 tickets: latency p50/p95 over N requests (target p95 ≤ 200 ms).

Runs the real app (create_app) behind a real HTTP server on loopback, logged in through
the login form, against a fresh database (a temporary SQLite file by default;
`--database-url` for an EMPTY PostgreSQL database, e.g. postgresql://postgres@127.0.0.1/bench).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert

from bot.db.base import utcnow
from bot.db.migrate import upgrade
from bot.db.models import Booking, ConsultationSlot, Ticket, TranscriptEntry
from bot.db.session import make_engine, make_sessionmaker
from bot.desk.languages import LANGUAGES
from bot.settings import Settings, async_database_url
from bot.web.app import create_app

TARGET_P95_MS = 200.0
TOPICS = ["blue_card", "tax_id", "housing", "naturalization", "health_insurance", "visa_entry",
          "recognition_qualifications", "childcare_school", None]
EMAIL, PASSWORD = "bench@example.org", "bench password 123"


async def seed(database_url: str, tickets: int, rng: random.Random) -> None:
    """`tickets` tickets over the last year, 4 transcript lines each, every 20th booked."""
    engine = make_engine(database_url)
    now = utcnow()
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            rows = [{
                "id": i + 1, "reference": f"ESD-B{i:05d}",
                "status": rng.choice(["open", "open", "in_progress", "done", "cancelled"]),
                "language": rng.choice(LANGUAGES), "topic": rng.choice(TOPICS),
                "client_type": rng.choice(["individual", "company"]), "name": f"Person {i}",
                "email": f"person{i}@example.org", "consultation_language": "en",
                "conversation_id": f"bench-{i}", "callback_requested": False,
                "created_at": now - timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                "updated_at": now,
            } for i in range(tickets)]
            await session.execute(insert(Ticket.__table__), rows)
            lines = [{
                "ticket_id": row["id"], "position": p, "sender": "user" if p % 2 == 0 else "bot",
                "text": "Wie bekomme ich eine Blaue Karte?" if p % 2 == 0 else "Die Blaue Karte …",
                "timestamp": row["created_at"], "intent": "blue_card" if p % 2 == 0 else None,
                "confidence": 0.9 if p % 2 == 0 else None,
            } for row in rows for p in range(4)]
            await session.execute(insert(TranscriptEntry.__table__), lines)
            booked = rows[::20]
            slots = [{"id": n + 1, "start": now + timedelta(hours=n + 1),
                      "end": now + timedelta(hours=n + 1, minutes=30), "created_at": now}
                     for n in range(len(booked))]
            await session.execute(insert(ConsultationSlot.__table__), slots)
            await session.execute(insert(Booking.__table__), [{
                "slot_id": slot["id"], "ticket_id": row["id"], "start": slot["start"],
                "end": slot["end"], "created_at": now} for slot, row in zip(slots, booked)])
    finally:
        await engine.dispose()


def scenarios(rng: random.Random) -> list[tuple[str, str]]:
    today = utcnow().date()
    return [
        ("list, page 1", "/staff/tickets"),
        ("list, page 100", "/staff/tickets?page=100"),
        ("status=open", "/staff/tickets?status=open"),
        ("language+topic", "/staff/tickets?language=de&topic=blue_card"),
        ("date range", f"/staff/tickets?from={today - timedelta(days=90)}&to={today}"),
        ("search e-mail", f"/staff/tickets?q=person{rng.randint(0, 9999)}@"),
        ("search reference", f"/staff/tickets?q=ESD-B0{rng.randint(1000, 9999)}"),
    ]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def measure(settings: Settings, requests: int, rng: random.Random) -> dict[str, list[float]]:
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    try:
        page = await client.get("/staff/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
        login = await client.post("/staff/login", data={"email": EMAIL, "password": PASSWORD,
                                                        "csrf_token": token}, allow_redirects=False)
        assert login.status == 302, "bench login failed"
        for _, path in scenarios(rng):  # warm-up: connections, template compilation, caches
            await (await client.get(path)).read()
        timings: dict[str, list[float]] = {}
        for n in range(requests):
            name, path = scenarios(rng)[n % 7]
            started = time.perf_counter()
            response = await client.get(path)
            await response.read()
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status == 200, f"{path}: HTTP {response.status}"
            timings.setdefault(name, []).append(elapsed)
        return timings
    finally:
        await client.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.bench.staff", description=__doc__)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=350)
    parser.add_argument("--database-url", default=None, help="an EMPTY database (default: temp SQLite)")
    args = parser.parse_args(argv)
    rng = random.Random(42)
    with tempfile.TemporaryDirectory(prefix="bench-staff-") as tmp:
        url = async_database_url(args.database_url or f"sqlite:///{Path(tmp) / 'app.db'}")
        upgrade(url)
        started = time.perf_counter()
        asyncio.run(seed(url, args.tickets, rng))
        seeded = time.perf_counter() - started
        settings = replace(Settings(), database_url=url, staff_email=EMAIL, staff_password=PASSWORD)
        timings = asyncio.run(measure(settings, args.requests, rng))
    backend = url.split(":", 1)[0]
    everything = [t for values in timings.values() for t in values]
    print(f"staff ticket list: {args.tickets} tickets on {backend} (seeded in {seeded:.1f}s), "
          f"{len(everything)} sequential requests, one client over loopback HTTP")
    for name, values in timings.items():
        print(f"  {name:<18} n={len(values):<4} p50 {statistics.median(values):6.1f} ms   "
              f"p95 {percentile(values, 95):6.1f} ms")
    p95 = percentile(everything, 95)
    print(f"  {'all':<18} n={len(everything):<4} p50 {statistics.median(everything):6.1f} ms   "
          f"p95 {p95:6.1f} ms   (target p95 ≤ {TARGET_P95_MS:.0f} ms: "
          f"{'met' if p95 <= TARGET_P95_MS else 'NOT met'})")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
