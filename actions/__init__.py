"""Custom actions (rasa_sdk). Imported wholesale by the action server: no work at import time."""
