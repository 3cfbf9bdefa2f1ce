"""Split a message into words, whatever its script.

Workers write in 12 languages, several without spaces between words (Japanese, Chinese, Thai,
Khmer, Burmese). ICU's word break iterator handles all of them in one pass: Unicode's word
rules (UAX #29) for spaced scripts and ICU's dictionaries for the unspaced ones. This module has
no Rasa import so that it can be tested and timed on its own.
"""

from __future__ import annotations

import threading
from typing import List

import icu
import regex

# A segment is kept when it holds a letter, a digit or a combining mark (Thai, Burmese and
# Khmer vowels are marks), or when it is an emoji: "🙏" means something, "!!!" does not.
_MEANINGFUL = regex.compile(r"[\p{L}\p{N}\p{M}]|\p{Extended_Pictographic}")

_local = threading.local()


def _word_breaker() -> icu.BreakIterator:
    # A BreakIterator keeps state, so each thread gets its own.
    breaker = getattr(_local, "breaker", None)
    if breaker is None:
        breaker = icu.BreakIterator.createWordInstance(icu.Locale.getRoot())
        _local.breaker = breaker
    return breaker


def segment(text: str) -> List[str]:
    """Return the words of `text` in order; each word is a substring of `text`."""
    if not text:
        return []
    utf16 = icu.UnicodeString(text)
    breaker = _word_breaker()
    breaker.setText(utf16)
    words: List[str] = []
    start = breaker.first()
    for end in breaker:
        piece = str(utf16[start:end])
        start = end
        if _MEANINGFUL.search(piece):
            words.append(piece)
    return words
