"""Rasa graph components (bot env only). Import nothing from the app env here."""
