"""The code's layout: no import cycles (function-local imports included), Rasa-side code imports
nothing of the app env, `bot` never imports `actions`, no product file over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.settings import PROJECT_ROOT

PACKAGES = ("bot", "actions", "rasa_side")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:  # Alembic's revision files are loaded by Alembic
                continue
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imported(name: str, path: Path) -> set[str]:
    """Every project module this file imports, anywhere in it (also inside functions); importing
    `a.b.c` also runs the packages `a` and `a.b`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    result = set()
    for target in targets:
        parts = target.split(".")
        result.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {t for t in result if t in MODULES and t != name and not name.startswith(t + ".")}


GRAPH = {name: _imported(name, path) for name, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles():
    assert _cycle(GRAPH) is None, " -> ".join(_cycle(GRAPH) or [])


def test_rasa_side_imports_nothing_of_the_app_env():
    wrong = {name: sorted(t for t in GRAPH[name] if not t.startswith("rasa_side"))
             for name in GRAPH if name.startswith("rasa_side")}
    assert not {k: v for k, v in wrong.items() if v}


def test_bot_never_imports_actions():
    wrong = {name: sorted(t for t in GRAPH[name] if t.startswith("actions"))
             for name in GRAPH if name.startswith("bot")}
    assert not {k: v for k, v in wrong.items() if v}


def test_no_product_file_over_400_lines():
    long = {str(p.relative_to(PROJECT_ROOT)): n for p in MODULES.values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long


def test_the_checker_sees_function_local_imports_and_cycles(tmp_path):
    # The hidden cycle the desk-core issue names was a function-local import.
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from bot.settings import Settings\n")
    assert _imported("probe", probe) == {"bot", "bot.settings"}
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
