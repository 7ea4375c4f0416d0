"""Text shown through Markdown exactly as it is."""

from __future__ import annotations

MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~$"


def escape_markdown(text: str) -> str:
    """Text shown through Markdown as it is: an authorisation reference such as
    `[click](http://…)` from an imported log stays text, never a link or formatting."""
    return "".join("\\" + c if c in MARKDOWN_SPECIALS else c for c in text)
