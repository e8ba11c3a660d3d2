"""`python -m bot.ingest`: the consumer process `make run` starts, with the environment the
stack gives it; it imports nothing of the web app and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

from sqlalchemy import create_engine, text

from bot.db.migrate import upgrade
from bot.settings import PROJECT_ROOT, Settings
from bot.tools.stack import child_env
from tests.ingest.events import RasaBroker


def test_the_consumer_process_follows_the_events_and_stops_on_sigterm(sqlite_url, tmp_path):
    upgrade(sqlite_url)
    events_url = f"sqlite:///{tmp_path / 'rasa_events.db'}"
    settings = replace(Settings(), database_url=sqlite_url, events_db_url=events_url,
                       inbox_poll_seconds=0.1)
    env = child_env(settings, "ingest", {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    consumer = subprocess.Popen([sys.executable, "-m", "bot.ingest"], cwd=PROJECT_ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(0.5)  # no events database yet: the consumer waits for Rasa to create it
        assert consumer.poll() is None
        broker = RasaBroker(events_url)
        broker.turn("p1", "Where do I register my address?", "address_registration", 0.8,
                    entity_language="en")
        broker.close()
        app_db = create_engine(sqlite_url.replace("+aiosqlite", ""))
        deadline = time.monotonic() + 30
        rows = []
        while not rows and time.monotonic() < deadline:
            with app_db.connect() as conn:
                rows = conn.execute(text("SELECT text, language FROM inbox_message")).all()
            time.sleep(0.1)
        app_db.dispose()
        assert [tuple(r) for r in rows] == [("Where do I register my address?", "en")]
    finally:
        consumer.send_signal(signal.SIGTERM)
        output = consumer.communicate(timeout=20)[0]
    assert consumer.returncode == 0, output
    assert "Traceback" not in output


def _modules_loaded_by(imports: str, prefix: str) -> str:
    """The modules under `prefix` that importing `imports` loads, in a fresh interpreter."""
    code = f"import sys, {imports}; print([m for m in sys.modules if m.startswith({prefix!r})])"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_ingestion_imports_nothing_of_the_web_app():
    assert _modules_loaded_by("bot.ingest.__main__, bot.ingest.consumer", "bot.web") == "[]"


def test_the_web_app_does_not_ingest():
    assert _modules_loaded_by("bot.web.app", "bot.ingest.consumer") == "[]"
