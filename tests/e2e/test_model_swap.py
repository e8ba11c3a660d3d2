"""`make retrain`'s swap against the real Rasa server: PUT /model with the token, answers continue."""

from __future__ import annotations

import shutil

from bot.training.retrain import Server, swap


def test_swap_loads_the_model_and_rasa_keeps_answering(stack, chat, tmp_path):
    server = Server(stack.rasa_url, stack.settings.rasa_token)
    assert server.loaded_model() == stack.model.name
    # A copy under another name, so that the loaded model visibly changes.
    candidate = tmp_path / "model-swapcandidate.tar.gz"
    shutil.copy(stack.model, candidate)

    probe = swap(server, candidate)

    assert server.loaded_model() == candidate.name
    assert probe.sent >= 1 and probe.answered == probe.sent
    assert chat(language="en").texts("Hello")  # the REST channel answers with the new model
    print(f"swap: {probe.answered}/{probe.sent} parse requests answered, slowest {probe.slowest:.2f}s")
    # Leave the session's stack with its original model for the other tests.
    swap(server, stack.model)
    assert server.loaded_model() == stack.model.name


def test_swap_needs_the_token(stack):
    assert Server(stack.rasa_url, "wrong-token").loaded_model() is None
