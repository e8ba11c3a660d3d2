"""Expat Desk Assistant: our package (db layer, staff app, NLU components, tools).

Never imports `actions/`.
"""
