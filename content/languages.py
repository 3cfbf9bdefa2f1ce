"""The 13 reply languages, how a missing translation falls back, and the locale used to format numbers."""

from __future__ import annotations

from typing import Tuple

from babel import Locale

SOURCE = "en"

# Catalog names (gettext locale names). Easy Japanese (やさしい日本語) uses gettext's modifier syntax,
# as sr@latin does: its own catalog, Japanese formatting.
LANGUAGES: Tuple[str, ...] = (
    "en", "ja", "ja@easy", "vi", "zh", "tl", "ne", "id", "pt", "my", "th", "km", "es",
)

# A missing translation falls back along this chain, always ending in English (the source catalog).
FALLBACKS = {"ja@easy": ("ja",)}

# CLDR names where ours differ: Filipino is "fil", and our Portuguese is Brazil's.
_CLDR = {"ja@easy": "ja", "tl": "fil", "pt": "pt_BR"}


def supported(language: str | None) -> bool:
    return language in LANGUAGES


def fallback_chain(language: str | None) -> Tuple[str, ...]:
    """Catalogs to try for `language`, in order; an unknown language gets English."""
    if not supported(language):
        return (SOURCE,)
    chain = (language, *FALLBACKS.get(language, ()), SOURCE)
    return tuple(dict.fromkeys(chain))


def locale(language: str | None) -> Locale:
    """The Babel locale for dates, times and numbers in `language`."""
    name = language if supported(language) else SOURCE
    return Locale.parse(_CLDR.get(name, name))
