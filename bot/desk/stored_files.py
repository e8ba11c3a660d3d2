"""Personal data in files (issue 15): the embedded profile's mail outbox (.eml files) and the
stack's log files. Retention removes old ones; erasure removes every mail, and every log line,
that names the person."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path


def remove_older_than(folder: Path | None, pattern: str, cutoff: datetime) -> int:
    """Files matching `pattern` last written before `cutoff`."""
    removed = 0
    for path in _files(folder, pattern):
        if path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def mail_text(path: Path) -> str:
    """Headers and every decoded text part of a stored mail (bodies may be base64 or QP)."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    parts = [str(value) for value in message.values()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                parts.append(part.get_content())
            except (LookupError, ValueError):
                parts.append(part.get_payload(decode=True).decode("utf-8", "replace"))
    return "\n".join(parts)


def _names(needles: Iterable[str]) -> list[str]:
    return [n.casefold() for n in needles if n and len(n.strip()) >= 3]


def remove_mails_naming(folder: Path | None, needles: Iterable[str]) -> int:
    """Outbox mails whose headers or text contain any of the needles (case-insensitive)."""
    needles = _names(needles)
    removed = 0
    for path in _files(folder, "*.eml"):
        content = mail_text(path).casefold()
        if any(n in content for n in needles):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def remove_log_lines_naming(folder: Path | None, needles: Iterable[str]) -> int:
    """Log lines that contain any of the needles; returns how many lines went."""
    needles = _names(needles)
    removed = 0
    for path in _files(folder, "*.log*"):
        lines = path.read_bytes().splitlines(keepends=True)
        kept = [line for line in lines
                if not any(n in line.decode("utf-8", "replace").casefold() for n in needles)]
        if len(kept) != len(lines):
            removed += len(lines) - len(kept)
            path.write_bytes(b"".join(kept))
    return removed


def _files(folder: Path | None, pattern: str) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(pattern) if p.is_file())
