"""The stack's log files without personal data (issue 15): every child writes into a pipe, and
a thread of the stack copies its lines into <name>.log with e-mail addresses, phone numbers and
the like replaced (bot.ingest.redact), SQL statement parameters and the message text of
Rasa's structured error logs removed. Rasa's own error logs print whole events (the SQL of a
failed tracker-store write, `text=` of a failed message); filtering the output itself catches
them whatever logging setup, structlog printer or traceback produced the line."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import BinaryIO

from bot.ingest.redact import replace_personal_data

# SQLAlchemy errors: "[parameters: (…)]" / "[parameters: {…}]" (a whole tracker event).
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(?:\(Background|$))")
# structlog key=value fields that hold what a user typed or a whole tracker.
_TEXT_FIELDS = re.compile(
    r"\b(text|message|user_message|tracker|events|slots|parse_data|metadata)="
    r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\{.*?\}(?=\s|$)|\[.*?\](?=\s|$)|\S+)")


def redact_line(line: str) -> str:
    line = _SQL_PARAMETERS.sub("[parameters: <removed>]", line)
    line = _TEXT_FIELDS.sub(lambda m: f"{m.group(1)}=<removed>", line)
    return replace_personal_data(line)


def _copy(source: BinaryIO, target: Path) -> None:
    with source, open(target, "ab") as out:
        for raw in iter(source.readline, b""):
            ending = b"\n" if raw.endswith(b"\n") else b""
            text = raw.rstrip(b"\r\n").decode("utf-8", "replace")
            out.write(redact_line(text).encode() + ending)
            out.flush()


def follow(source: BinaryIO, target: Path, name: str) -> threading.Thread:
    """Copy `source` (a child's stdout pipe) into `target` until the child closes it."""
    thread = threading.Thread(target=_copy, args=(source, target), name=f"log-{name}", daemon=True)
    thread.start()
    return thread
