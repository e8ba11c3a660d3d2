"""Code that runs inside the Rasa server (bot env, Python 3.10): NLU components, channels,
and the bot-env tools that load a model (evaluation, story tests).

Imports only the standard library, Rasa and what Rasa's env ships (lingua, spaCy); never
`bot` (app env) or `actions`.
"""
