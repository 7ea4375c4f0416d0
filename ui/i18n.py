"""UI text from gettext catalogues: Chinese first, English as a toggle.

Every string a page shows goes through `t(key, lang)` (or `tr(key)` in ui/session.py, the
session's language), counted nouns through `tn(singular_key, plural_key, n, lang)`. The keys are
the msgids of keyed catalogues, one per language: ui/locale/<locale>/LC_MESSAGES/messages.po,
compiled to the messages.mo beside it (both committed; README.md, Translations, has the Babel
commands and tests/test_i18n.py keeps code, catalogues and compiled files in step). Values are put
into a message with str.format placeholders: `t("oversight.saved", lang, status=...)`.

A key is always written out in full where it is used, so that `pybabel extract` finds it: a key
chosen at run time comes from a mapping whose values are marked with `N_` (e.g.
`STATUS_TEXT = {"green": N_("status.green")}`, then `t(STATUS_TEXT[s], lang)`).

A missing key is never shown silently: with I18N_STRICT=1 (set by the tests) `t` raises KeyError;
otherwise it logs a warning once and shows the key.

Codes stay codes; catalogue names come from the reference tables' name_zh / name_en columns (see
`name_column`).
"""

from __future__ import annotations

import gettext
import logging
import os
from functools import cache
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
# session language -> catalogue locale (ui/locale/<locale>/LC_MESSAGES/messages.mo)
LOCALES = {"zh": "zh_CN", "en": "en"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
STRICT_ENV = "I18N_STRICT"

_log = logging.getLogger("dashboard.i18n")
_warned: set[tuple[str, str]] = set()


def N_(key: str) -> str:
    """Mark a key for extraction where it is only stored (a mapping, an argument); translate it
    later with `t`."""
    return key


def locale_of(lang: str) -> str:
    """The catalogue locale of a session language ("zh" -> "zh_CN"; anything else is English)."""
    return LOCALES["zh"] if lang == "zh" else LOCALES["en"]


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") == "1"


def _missing(key: str, locale: str) -> str:
    if strict():
        raise KeyError(f"no message {key!r} in the {locale} catalogue")
    if (key, locale) not in _warned:
        _warned.add((key, locale))
        _log.warning("no message %r in the %s catalogue: the key is shown", key, locale)
    return key


class _Missing(gettext.NullTranslations):
    """The fallback of a catalogue: reached only for a msgid it does not translate."""

    def __init__(self, locale: str) -> None:
        super().__init__()
        self.locale = locale

    def gettext(self, message: str) -> str:
        return _missing(message, self.locale)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return _missing(msgid1 if n == 1 else msgid2, self.locale)


@cache
def translations(locale: str) -> gettext.GNUTranslations:
    """The compiled catalogue of a locale (read once per process)."""
    with (LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as fp:
        catalogue = gettext.GNUTranslations(fp)
    catalogue.add_fallback(_Missing(locale))
    return catalogue


def message(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The message of a key in the language, placeholders not filled in."""
    return translations(locale_of(lang)).gettext(key)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for key in the language, with the values put into its {placeholders}."""
    text = message(key, lang)
    return text.format(**values) if values else text


def tn(
    singular_key: str, plural_key: str, n: int, lang: str = DEFAULT_LANGUAGE, **values: object
) -> str:
    """The text for a count n in the language: the catalogue picks the plural form (English
    "1 alert" / "3 alerts"; Chinese has one form). `n` is also a value of the message."""
    count = int(n)  # numpy and pandas integers too (gettext's plural rule wants an int)
    text = translations(locale_of(lang)).ngettext(singular_key, plural_key, count)
    return text.format(**{"n": count, **values})


def name_column(lang: str) -> str:
    """Which column of a reference table holds names in the language."""
    return "name_zh" if lang == "zh" else "name_en"
