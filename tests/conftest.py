"""Shared fixtures: throwaway databases on SQLite and on the local PostgreSQL server, and the
real stack (Rasa + action server + web app) for the end-to-end and browser tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_sessionmaker
from bot.settings import Settings
from bot.tools.model import train
from bot.tools.stack import Stack, free_port
from tests.e2e.chat import ARTIFACTS, Chat
from tests.mail_sink import MailSink, running_mail_sink

# The PostgreSQL server this machine kind runs (trust auth). Override with TEST_PG_DSN.
PG_DSN = os.environ.get("TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_admin(sql: str) -> None:
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    name = f"expatdesk_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    base = PG_DSN.rsplit("/", 1)[0].split("://", 1)[1]
    try:
        yield f"postgresql+asyncpg://{base}/{name}"
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request) -> str:
    """An empty database on each backend the app supports."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def database_url(empty_database_url) -> str:
    """A database migrated to head, on SQLite and on PostgreSQL."""
    upgrade(empty_database_url)
    return empty_database_url


@pytest.fixture
async def sessionmaker(database_url) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


# --- End-to-end: the real Rasa server, action server and web app on free ports. ---
# One stack per test session (Rasa takes ~20 s to load a model); each test uses
# fresh conversation ids. The model is the one `make test` trained for the current
# data (`bot.tools.model.train` is a no-op when it exists).


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[MailSink]:
    """A real SMTP server (aiosmtpd) that receives the stack's confirmation mails."""
    with running_mail_sink() as sink:
        yield sink


@pytest.fixture(scope="session")
def stack(tmp_path_factory, mail_sink) -> Iterator[Stack]:
    var_dir = tmp_path_factory.mktemp("stack-var")
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{var_dir / 'app.db'}",
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            # A leading "-" (as token_urlsafe may produce) must reach Rasa as a token, not a flag.
            "RASA_TOKEN": "-" + uuid.uuid4().hex,
            "STAFF_EMAIL": "staff@example.org",
            "STAFF_PASSWORD": "correct horse battery staple",
            "STAFF_API_TOKEN": "e2e-api-token",
            "MAIL_OUTBOX": str(var_dir / "outbox"),
            "SMTP_HOST": mail_sink.host,
            "SMTP_PORT": str(mail_sink.port),
        }
    )
    upgrade(settings.database_url)
    running = Stack(settings=settings, model=train(), var_dir=var_dir, log_dir=ARTIFACTS / "logs")
    running.start()
    try:
        running.wait_ready(timeout=300)
        yield running
    finally:
        running.stop()


@pytest.fixture
def chat(stack):
    def _chat(language: str | None = None) -> Chat:
        return Chat(stack, language)

    return _chat
