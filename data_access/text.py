"""User-typed text on its way to the database: control characters removed.

A browser does not put NUL or other control characters in a text box, but a crafted client can;
PostgreSQL refuses NUL in text, and nothing a person types needs those characters. Every data
function that takes free text from a user (a search, a note, a reference) passes it through
`clean_text` first, so both engines store and match the same value.
"""

from __future__ import annotations

import re

# C0 control characters and DEL, except tab and line breaks (notes may have several lines).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str:
    """The text without control characters, trimmed; None becomes ''."""
    return _CONTROL.sub("", value or "").strip()


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text value that a spreadsheet would read as a formula (starting with = + - @, a tab or a
    carriage return) gets a leading apostrophe; other values pass unchanged. The one helper for
    every CSV and Excel file the product writes, pages and command line alike."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
