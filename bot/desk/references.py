"""Short, human-friendly ticket references such as `ESD-7K3Q9`."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

PREFIX = "ESD"
# No 0/O, 1/I/L, 5/S, 8/B: nothing a person could misread on a phone or a printout.
ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"
LENGTH = 5
_PATTERN = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{{LENGTH}}}$")


def new_reference(choice: Callable[[str], str] = secrets.choice) -> str:
    return f"{PREFIX}-" + "".join(choice(ALPHABET) for _ in range(LENGTH))


def normalize_reference(text: str) -> str | None:
    """What a user typed ("esd 7k3q9", "ESD-7K3Q9.") → the canonical form, or None."""
    compact = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX):]
    candidate = f"{PREFIX}-{compact}"
    return candidate if _PATTERN.match(candidate) else None


def find_reference(text: str) -> str | None:
    """The first reference inside a longer message ("my reference is ESD-7K3Q9")."""
    for match in re.finditer(rf"{PREFIX}[\s-]?[0-9A-Za-z]{{{LENGTH}}}", text or "", re.IGNORECASE):
        found = normalize_reference(match.group(0))
        if found:
            return found
    return normalize_reference(text)
