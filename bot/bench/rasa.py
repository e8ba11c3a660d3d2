"""The chat stack: readiness, single-user latency and throughput under concurrent users.

Starts the real stack (Rasa + action server + web app) on free ports with the model
for the current data, like `make run`, then talks to the REST channel. Fresh
conversation ids per request round: Rasa's per-turn cost grows with conversation length.
Prints figures; not a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from bot.db.migrate import upgrade
from bot.settings import Settings
from bot.tools.model import train
from bot.tools.stack import Stack, free_port

MESSAGES = ["Hello", "Hallo", "Wie bekomme ich eine Steuer-ID?", "What is the Blue Card?",
            "Where do I register my address in Ratingen?", "Danke"]


def _send(url: str, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        json.load(response)
    return (time.perf_counter() - started) * 1000


def _rss_mb(pid: int) -> float:
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total = int(line.split()[1])
    return total / 1024


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def run(requests: int, users: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-rasa-"))
    settings = Settings.from_env({
        "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}", "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()), "WEB_PORT": str(free_port()),
        "RASA_TOKEN": uuid.uuid4().hex, "MAIL_OUTBOX": str(workdir / "outbox"),
    })
    upgrade(settings.database_url)
    stack = Stack(settings=settings, model=train(), var_dir=workdir, log_dir=workdir / "logs")
    started = time.monotonic()
    stack.start()
    try:
        stack.wait_ready()
        ready_s = time.monotonic() - started
        url = f"{stack.rasa_url}/webhooks/rest/webhook"
        for text in MESSAGES:  # warm-up
            _send(url, f"warm-{uuid.uuid4().hex}", text)
        single = [_send(url, f"b-{uuid.uuid4().hex}", MESSAGES[i % len(MESSAGES)])
                  for i in range(requests)]
        latencies: list[float] = []
        lock = threading.Lock()

        def user(n: int) -> None:
            for i in range(requests // users):
                ms = _send(url, f"c-{uuid.uuid4().hex}", MESSAGES[(n + i) % len(MESSAGES)])
                with lock:
                    latencies.append(ms)

        threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        return {
            "ready_s": round(ready_s, 1),
            "single_p50_ms": round(statistics.median(single), 1),
            "single_p95_ms": round(_percentile(single, 95), 1),
            "concurrent_users": users,
            "throughput_rps": round(len(latencies) / elapsed, 1),
            "concurrent_p95_ms": round(_percentile(latencies, 95), 1),
            "rasa_rss_mb": round(_rss_mb(stack.processes["rasa"].pid)),
        }
    finally:
        stack.stop()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.bench rasa")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args(argv)
    figures = run(args.requests, args.users)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    return 0
