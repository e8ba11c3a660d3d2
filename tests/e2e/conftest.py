"""End-to-end fixtures: the real Rasa server, action server and web app on free ports.

One stack per test session (Rasa takes ~20 s to load a model); each test uses
fresh conversation ids. The model is the one `make test` trained for the current
data (`bot.tools.model.train` is a no-op when it exists).
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.db.migrate import upgrade
from bot.settings import Settings
from bot.tools.model import train
from bot.tools.stack import Stack, free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    var_dir = tmp_path_factory.mktemp("stack-var")
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{var_dir / 'app.db'}",
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "RASA_TOKEN": uuid.uuid4().hex,
            "STAFF_EMAIL": "staff@example.org",
            "STAFF_PASSWORD": "correct horse battery staple",
            "STAFF_API_TOKEN": "e2e-api-token",
            "MAIL_OUTBOX": str(var_dir / "outbox"),
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


class Chat:
    """One user talking to the bot over the REST channel, like the widget does."""

    def __init__(self, stack: Stack, language: str | None = None):
        self.stack = stack
        self.sender = f"e2e-{uuid.uuid4().hex[:10]}"
        self.language = language

    def send(self, text: str) -> list[dict]:
        body: dict = {"sender": self.sender, "message": text}
        if self.language:
            body["metadata"] = {"language": self.language}
        request = urllib.request.Request(
            f"{self.stack.rasa_url}/webhooks/rest/webhook",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def texts(self, text: str) -> list[str]:
        return [m.get("text", "") for m in self.send(text)]

    def tracker(self) -> dict:
        url = (
            f"{self.stack.rasa_url}/conversations/{self.sender}/tracker"
            f"?token={self.stack.settings.rasa_token}"
        )
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)


@pytest.fixture
def chat(stack):
    def _chat(language: str | None = None) -> Chat:
        return Chat(stack, language)

    return _chat
