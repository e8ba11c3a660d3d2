"""Rasa dialogue policies (run INSIDE the Rasa server, bot env: import nothing from the app env)."""
