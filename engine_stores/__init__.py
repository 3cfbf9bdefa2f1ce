"""Rasa-side extensions for production: a tracker store that can erase, and a report of the stores in use."""
