# Expat Desk Assistant. The two commands for everyone: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
BOT_PY      := $(VENV)/bot/bin/python
APP_PY      := $(VENV)/app/bin/python
UV          := $(VENV)/tools/bin/uv
UV_VERSION  := 0.13.9
# Rasa 3.6 runs on Python 3.10 only; the app env takes the newest supported Python found.
# Each candidate must really run (a pyenv shim for a version that is not active does not).
find_python = $(shell for v in $(1); do for p in python$$v $$HOME/.pyenv/versions/$$v*/bin/python$$v /usr/local/bin/python$$v /usr/bin/python$$v; do \
  $$p -c 'import sys; print(sys.executable)' 2>/dev/null && exit 0; done; done)
ifeq ($(origin PYTHON310),undefined)
PYTHON310   := $(call find_python,3.10)
endif
ifeq ($(origin APP_PYTHON),undefined)
APP_PYTHON  := $(call find_python,3.12 3.13 3.11)
endif
export UV_PYTHON_DOWNLOADS := never
export PYTHONPATH := $(CURDIR)

.PHONY: help install run test train eval bench seed staff-user migrate check-python browser clean

help:
	@echo "make run      set up, train if needed, start Rasa + action server + web app"
	@echo "make test     the whole test suite (unit, data validation, end-to-end, browser)"
	@echo "make install  create both environments (idempotent)"
	@echo "make train    train a model into models/"
	@echo "make eval     NLU evaluation on the held-out split"
	@echo "make eval-dialogue  the multi-turn dialogue suite through the real servers (turns passed per language)"
	@echo "make bench    latency / throughput / readiness figures"
	@echo "make purge    apply the retention periods now; prints what was removed per kind"
	@echo "make seed     demo consultation slots for the next two weeks"
	@echo "make staff-user EMAIL=…  add a staff user (asks for the password)"
	@echo "make ingest        capture new chat messages into the training inbox (make run keeps doing it)"
	@echo "make export-inbox  write reviewed inbox questions into data/nlu/<lang>/inbox.yml"
	@echo "make retrain       train a candidate, compare on the held-out split, swap it in if the gate passes"

check-python:
	@echo "bot env Python: $(or $(PYTHON310),-), app env Python: $(or $(APP_PYTHON),-)"
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "make: python3.10 was not found. Rasa 3.6 needs exactly Python 3.10." >&2; \
	  echo "      Install it (e.g. 'pyenv install 3.10' or your distribution's python3.10 package)" >&2; \
	  echo "      or point to it: make PYTHON310=/path/to/python3.10 ..." >&2; exit 2; fi
	@if [ -z "$(APP_PYTHON)" ]; then \
	  echo "make: no Python 3.11, 3.12 or 3.13 found for the app env. Install one, or: make APP_PYTHON=/path/to/python3.12 ..." >&2; exit 2; fi

$(UV):
	@python3 -m venv $(VENV)/tools
	@$(VENV)/tools/bin/pip install -q --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/bot/.installed: requirements/bot.lock | check-python $(UV)
	@echo "Installing the bot env (Python 3.10, Rasa)…"
	@[ -x $(BOT_PY) ] || $(UV) venv -q --python "$(PYTHON310)" $(VENV)/bot
	@$(UV) pip sync -q --python $(BOT_PY) requirements/bot.lock
	@touch $@

$(VENV)/app/.installed: requirements/app.lock | check-python $(UV)
	@echo "Installing the app env ($(notdir $(APP_PYTHON)): action server, web app, tests)…"
	@[ -x $(APP_PY) ] || $(UV) venv -q --python "$(APP_PYTHON)" $(VENV)/app
	@$(UV) pip sync -q --python $(APP_PY) requirements/app.lock
	@touch $@

install: $(VENV)/bot/.installed $(VENV)/app/.installed

migrate: install
	@$(APP_PY) -m bot.db.migrate

train: install
	@$(APP_PY) -m bot.tools.model

run: install
	@$(APP_PY) -m bot.tools.stack

seed: migrate
	@$(APP_PY) -m bot.tools.seed

# Add a staff user (or reset a password): make staff-user EMAIL=name@example.org [ARGS="--role admin"]
staff-user: migrate
	@test -n "$(EMAIL)" || { echo "usage: make staff-user EMAIL=name@example.org [ARGS='--role admin --name \"…\"']" >&2; exit 2; }
	@$(APP_PY) -m bot.tools.staff_user add "$(EMAIL)" $(ARGS)

# Real-browser tests use Debian's chromium (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "make: install Debian's chromium (sudo apt-get install chromium) for the browser tests" >&2; exit 2; fi; }

test: install browser
	@$(APP_PY) -m bot.tools.model
	@$(APP_PY) -m pytest

EVALUATE = TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore SQLALCHEMY_SILENCE_UBER_WARNING=1 $(BOT_PY) -m rasa_side.evaluate
# TensorFlow/Keras print import-time warnings despite PYTHONWARNINGS; they go to a log that is
# shown only when the evaluation fails.
EVAL_ERRORS = 2>reports/eval/stderr.log || { cat reports/eval/stderr.log; exit 1; }
eval: install
	@mkdir -p reports/eval
	@model=$$($(APP_PY) -m bot.tools.model) && $(EVALUATE) --model $$model $(EVAL_ARGS) $(EVAL_ERRORS) \
	  && echo && echo "== second held-out split, written blind (heldout/blind) ==" \
	  && $(EVALUATE) --model $$model --holdout heldout/blind --out reports/eval/blind $(EVAL_ERRORS)
	@$(APP_PY) -m bot.training.language_eval --out reports/eval

# Multi-turn dialogue suite (tests/dialogue; issue 12): starts the stack, plays every conversation,
# prints turns passed / total per language and each failed turn. EVAL_DIALOGUE_ARGS e.g. "--only de/".
.PHONY: eval-dialogue
eval-dialogue: install
	@$(APP_PY) -m tests.dialogue.runner $(EVAL_DIALOGUE_ARGS)

# Training inbox → data → model (bot/training/; issue 7). RETRAIN_ARGS e.g. "--tolerance 0.03 --no-swap".
.PHONY: ingest export-inbox retrain
ingest: migrate
	@$(APP_PY) -m bot.ingest --once

export-inbox: migrate
	@$(APP_PY) -m bot.ingest --once
	@$(APP_PY) -m bot.training.export

retrain: install
	@$(APP_PY) -m bot.training.retrain $(RETRAIN_ARGS)

bench: install
	@$(APP_PY) -m bot.bench

# Retention periods applied now (README, "Privacy"); the running stack does it daily.
.PHONY: purge
purge: install
	@$(APP_PY) -m bot.tools.purge

clean:
	rm -rf $(VENV) models var results
