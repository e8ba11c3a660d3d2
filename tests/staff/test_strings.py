"""One string table for the staff UI (bot/web/i18n.py): no view keeps its own."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.web.views as views
from bot.db.models import INBOX_STATUSES
from bot.web.i18n import STRINGS


def _de_en_pairs(tree: ast.AST) -> list[int]:
    """Lines of dict entries whose value is a pair of string literals (a private table)."""
    return [
        node.lineno for node in ast.walk(tree)
        if isinstance(node, ast.Dict) and node.values and all(
            isinstance(v, ast.Tuple) and len(v.elts) == 2
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in v.elts)
            for v in node.values)
    ]


def test_no_staff_view_has_its_own_string_table():
    for path in Path(views.__file__).parent.glob("*.py"):
        if path.name == "demo.py":  # the public demo page, not the staff UI
            continue
        assert _de_en_pairs(ast.parse(path.read_text())) == [], path.name


def test_every_inbox_status_has_a_label():
    assert {f"inbox_status_{s}" for s in INBOX_STATUSES} <= set(STRINGS)
