"""Rasa-side extensions: custom NLU components loaded by the engine (see config.yml)."""
