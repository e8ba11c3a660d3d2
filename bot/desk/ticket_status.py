"""Ticket statuses and the workflow between them, defined once.

Imports nothing: the models (bot/db/models.py) derive the status CheckConstraint from it.
"""

from __future__ import annotations

# open → in_progress → done / cancelled, with reopening. The keys, in this order, are the statuses.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "cancelled"),
    "in_progress": ("done", "cancelled", "open"),
    "done": ("in_progress",),
    "cancelled": ("open",),
}
TICKET_STATUSES = tuple(TRANSITIONS)
OPEN, CANCELLED = "open", "cancelled"


def allowed(old: str, new: str) -> bool:
    return new in TRANSITIONS.get(old, ())
