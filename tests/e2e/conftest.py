"""End-to-end tests run against the real stack.

The `stack` and `chat` fixtures live in tests/conftest.py (the browser tests in
tests/browser use the same session-scoped stack); `Chat` and `ARTIFACTS` in
tests/e2e/chat.py, re-exported here for existing imports.
"""

from tests.e2e.chat import ARTIFACTS, Chat  # noqa: F401
