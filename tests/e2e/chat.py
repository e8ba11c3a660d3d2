"""A REST-channel client like the widget, and where end-to-end artifacts go."""

from __future__ import annotations

import json
import urllib.request
import uuid
from pathlib import Path

from bot.tools.stack import Stack

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


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
