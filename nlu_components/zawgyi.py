"""Burmese in the legacy Zawgyi encoding, converted to Unicode.

Many phones in Myanmar still send Zawgyi: the same code points as Unicode Burmese, used with
other rules, so ICU's Burmese dictionary segments it badly. Google's detector gives the
probability that a text is Zawgyi; at 0.99 it flags none of our 1,345 Unicode training
messages.
"""

from __future__ import annotations

import re

from myanmar.converter import convert
from myanmartools import ZawgyiDetector

THRESHOLD = 0.99
_BURMESE = re.compile("[\u1000-\u109f]")
_detector = ZawgyiDetector()


def to_unicode(text: str) -> str:
    """`text` in Unicode Burmese when it was Zawgyi; otherwise `text` unchanged."""
    if not _BURMESE.search(text) or _detector.get_zawgyi_probability(text) < THRESHOLD:
        return text
    return convert(text, "zawgyi", "unicode")
