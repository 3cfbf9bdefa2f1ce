"""The marker `pybabel extract` looks for (keyword spec ``N_:1c,2``): context, then English text."""


def N_(context: str, message: str) -> str:
    """Mark `message` for translation under `context`; translated when rendered, not here."""
    return message
