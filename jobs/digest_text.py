"""The digest's text from gettext catalogues: Chinese unless the subscriber chose English.

The digests (jobs/digest.py) have their own gettext domain, `digest`: keyed catalogues
jobs/locale/<locale>/LC_MESSAGES/digest.po, compiled to the digest.mo beside it (both committed;
README.md, Translations, has the Babel commands and tests/test_i18n.py keeps code, catalogues and
compiled files in step, as for the interface's `messages`). The interface's lookup (ui/i18n.py)
is not used: jobs/ imports only data_access and scoring (tests/test_layers.py). This one behaves
the same way and reads no Streamlit.

`w(key, language, **values)` gives the text of a key with the values put into its
str.format placeholders. A key is always written out in full where it is used, so that
`pybabel extract` finds it: a key chosen at run time comes from a mapping whose values are
marked with `N_` (e.g. `STATUS_TEXT = {"open": N_("status.open")}`, then
`w(STATUS_TEXT[s], language)`).

A missing key is never shown silently: with I18N_STRICT=1 (set by the tests) `w` raises KeyError;
otherwise it logs a warning once and shows the key.
"""

from __future__ import annotations

import gettext
import logging
import os
from functools import cache
from pathlib import Path

# subscriber language -> catalogue locale (jobs/locale/<locale>/LC_MESSAGES/digest.mo)
LOCALES = {"zh": "zh_CN", "en": "en"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "digest"
STRICT_ENV = "I18N_STRICT"

_log = logging.getLogger("jobs.digest_text")
_warned: set[tuple[str, str]] = set()


def N_(key: str) -> str:
    """Mark a key for extraction where it is only stored (a mapping); translate it later with
    `w`."""
    return key


def locale_of(language: str) -> str:
    """The catalogue locale of a subscriber's language ("en" -> "en"; anything else is
    Chinese)."""
    return LOCALES["en"] if language == "en" else LOCALES["zh"]


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") == "1"


def _missing(key: str, locale: str) -> str:
    if strict():
        raise KeyError(f"no message {key!r} in the {locale} {DOMAIN} catalogue")
    if (key, locale) not in _warned:
        _warned.add((key, locale))
        _log.warning("no message %r in the %s %s catalogue: the key is shown", key, locale, DOMAIN)
    return key


class _Missing(gettext.NullTranslations):
    """The fallback of a catalogue: reached only for a msgid it does not translate."""

    def __init__(self, locale: str) -> None:
        super().__init__()
        self.locale = locale

    def gettext(self, message: str) -> str:
        return _missing(message, self.locale)


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalogue of a locale (read once per process; FileNotFoundError when it is
    not there)."""
    catalogue = gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale], fallback=False)
    catalogue.add_fallback(_Missing(locale))
    return catalogue


def message(key: str, language: str) -> str:
    """The message of a key in the language, placeholders not filled in."""
    return translations(locale_of(language)).gettext(key)


def w(key: str, language: str, **values: object) -> str:
    """The text for key in the language, with the values put into its {placeholders}."""
    text = message(key, language)
    return text.format(**values) if values else text
