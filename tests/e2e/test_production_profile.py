"""The production profile: PostgreSQL app database, tracker store and event broker; Redis lock store."""

from __future__ import annotations

import threading
import time
import uuid

import psycopg
import redis

from bot.db.migrate import upgrade
from bot.settings import Settings
from bot.tools.model import train
from bot.tools.stack import Stack, free_port
from tests.e2e.conftest import ARTIFACTS, Chat


def _watch_redis(prefix: str, seen: list[str], ready: threading.Event) -> None:
    """Record the Redis commands that touch our key prefix (MONITOR) until `ECHO <prefix>:stop`."""
    with redis.Redis(host="127.0.0.1", port=6379, socket_timeout=None).monitor() as monitor:
        ready.set()
        while True:
            command = monitor.next_command()["command"]
            if command == f"ECHO {prefix}:stop":
                return
            if prefix in command:
                seen.append(command)


def _inbox_texts(url: str, sender: str, timeout: float = 60) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        with psycopg.connect(url) as conn:
            texts = [r[0] for r in conn.execute(
                "SELECT text FROM inbox_message WHERE conversation_id = %s", (sender,))]
        if texts or time.monotonic() > deadline:
            return texts
        time.sleep(0.5)


def test_production_profile_stores_in_postgresql_and_locks_in_redis(postgresql_url, tmp_path):
    tracker_url = postgresql_url.replace("postgresql+asyncpg://", "postgresql://")
    prefix = f"e2e{uuid.uuid4().hex[:8]}"
    settings = Settings.from_env(
        {
            "DATABASE_URL": tracker_url,
            "TRACKER_STORE_URL": tracker_url,
            "REDIS_URL": f"redis://127.0.0.1:6379/1?prefix={prefix}",
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "RASA_TOKEN": uuid.uuid4().hex,
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
        }
    )
    upgrade(settings.database_url)
    stack = Stack(settings=settings, model=train(), var_dir=tmp_path, log_dir=ARTIFACTS / "logs-production")
    seen: list[str] = []
    ready = threading.Event()
    watcher = threading.Thread(target=_watch_redis, args=(prefix, seen, ready), daemon=True)
    watcher.start()
    assert ready.wait(10)
    stack.start()
    try:
        stack.wait_ready(timeout=300)
        chat = Chat(stack)
        assert chat.texts("Hello")[0].startswith("Hello!")
        assert chat.tracker()["slots"]["language"] == "en"
        # Without a broker database the consumer reads the tracker store's `events` table.
        assert _inbox_texts(tracker_url, chat.sender) == ["Hello"]
    finally:
        stack.stop()
        redis.Redis(host="127.0.0.1", port=6379).echo(f"{prefix}:stop")
    watcher.join(timeout=10)
    with psycopg.connect(tracker_url) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s", (chat.sender,)
        ).fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")}
    assert stored > 0, "the conversation was not stored in the PostgreSQL tracker store"
    assert {"ticket", "booking", "alembic_version"} <= tables, "app database not migrated in PostgreSQL"
    assert any(chat.sender in command for command in seen), f"no Redis lock for the conversation: {seen[:5]}"
