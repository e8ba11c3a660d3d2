"""Actions reply only with domain responses: `dispatcher.utter_message(response="utter_…")`.

A static scan of actions/ (AST, no import): any other way of sending text (utter_message
with text= / json_message= / …, without response=, the older dispatcher helpers,
BotUttered events) would bypass the de/en variations of the domain. Every `utter_…`
string in actions/ must name a response the domain defines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.domain_files import responses

ACTIONS_DIR = Path(__file__).resolve().parents[1] / "actions"
# Keyword arguments that carry content of their own instead of a domain response.
RAW_CONTENT = {"text", "template", "json_message", "attachment", "image", "elements", "custom"}
OTHER_SENDERS = {
    "utter_button_message", "utter_attachment", "utter_button_template", "utter_template",
    "utter_custom_json", "utter_custom_message", "utter_elements", "utter_image_url",
}


def _called_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def scan(source: str, filename: str, known: set[str]) -> list[str]:
    """Problems in one module: raw text sent, or response names the domain lacks."""
    found = []
    tree = ast.parse(source, filename)
    # Pieces of f-strings ("utter_ask_{slot}") are prefixes, not response names.
    pieces = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            name = _called_name(node)
            keywords = {k.arg for k in node.keywords}
            if name == "utter_message":
                if node.args:
                    found.append(f"{where}: utter_message with a positional argument (text)")
                if None in keywords and "response" not in keywords:
                    found.append(f"{where}: utter_message(**…) without response=")
                elif "response" not in keywords:
                    found.append(f"{where}: utter_message without response=")
                for key in sorted(keywords & RAW_CONTENT):
                    found.append(f"{where}: utter_message({key}=…) sends content not in the domain")
            elif name in OTHER_SENDERS:
                found.append(f"{where}: {name}() sends content not in the domain")
            elif name == "BotUttered":
                found.append(f"{where}: BotUttered event sends text not in the domain")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in pieces:
            value = node.value
            if (value.startswith("utter_") and value.isidentifier() and not value.endswith("_")
                    and value not in known):
                found.append(f"{where}: response {value!r} is not in the domain")
    return found


def test_actions_reply_only_with_domain_responses():
    known = set(responses())
    files = sorted(ACTIONS_DIR.rglob("*.py"))
    assert files, "no actions found"
    found = [
        problem
        for path in files
        for problem in scan(path.read_text(encoding="utf-8"), str(path.relative_to(ACTIONS_DIR.parent)), known)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('d.utter_message(response="utter_greet", name=n)', []),
        ('d.utter_message(response="utter_greet", buttons=b)', []),
        ('d.utter_message(text="Hello")', ["m.py:1: utter_message without response=",
                                           "m.py:1: utter_message(text=…) sends content not in the domain"]),
        ('d.utter_message("Hello")', ["m.py:1: utter_message with a positional argument (text)",
                                      "m.py:1: utter_message without response="]),
        ('d.utter_message(**kw)', ["m.py:1: utter_message(**…) without response="]),
        ('d.utter_message(response="utter_nope")', ["m.py:1: response 'utter_nope' is not in the domain"]),
        ('name = "utter_nope"', ["m.py:1: response 'utter_nope' is not in the domain"]),
        ('d.utter_custom_json({"a": 1})', ["m.py:1: utter_custom_json() sends content not in the domain"]),
        ('events = [BotUttered("hi")]', ["m.py:1: BotUttered event sends text not in the domain"]),
        ('name = f"utter_ask_{slot}"', []),
        ('if name.startswith("utter_"): pass', []),
    ],
)
def test_the_scan_catches_raw_text(source, expected):
    assert scan(source, "m.py", {"utter_greet"}) == expected
