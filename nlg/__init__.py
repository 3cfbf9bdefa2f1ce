"""Rasa-side rendering: the engine's answers in the worker's language (see nlg/catalog.py)."""
