"""Numbers, percentages, percentage points and dates as the reader's language writes them.

Babel (babel.numbers, babel.dates) formats for the catalogue locale of the session language
("zh" -> zh_CN, "en" -> en; ui.i18n.locale_of). One rule for every page: a rate is a ratio (0.983)
shown with one decimal ("98.3%"); a change of a rate is in percentage points ("+1.2 个百分点",
"+1.2 pp"); rounding is half to even on the decimal that Python prints for the value. A missing
value (None or NaN) is shown as EMPTY.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal
from babel.numbers import format_percent as _babel_percent

from ui.i18n import locale_of, t

EMPTY = "—"


def _missing(value: object) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _pattern(digits: int | None) -> str:
    """#,##0.0 for one decimal; None: up to three decimals, as many as the value needs."""
    return "#,##0" + (".###" if digits is None else "." + "0" * digits if digits else "")


def format_number(
    value: float | int | None, lang: str, digits: int | None = None, sign: bool = False
) -> str:
    """12,345 / 1,234.5: with `digits` decimals (None: as many as the value needs, up to three);
    sign=True writes + before a positive change (+3, -3, +0)."""
    if _missing(value):
        return EMPTY
    pattern = _pattern(digits)
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(value, format=pattern, locale=locale_of(lang))


def format_percent(value: float | None, lang: str, digits: int = 1) -> str:
    """A ratio as a percentage: 0.9833 -> "98.3%"."""
    if _missing(value):
        return EMPTY
    return _babel_percent(value, format=_pattern(digits) + "%", locale=locale_of(lang))


def format_points(delta: float | None, lang: str, digits: int = 1) -> str:
    """The change between two ratios in percentage points, signed: 0.012 -> "+1.2 个百分点" in
    Chinese, "+1.2 pp" in English."""
    if _missing(delta):
        return EMPTY
    points = Decimal(str(delta)).scaleb(2)  # exact: 0.012 is 1.2 points, not 1.2000000000000002
    return t("format.points", lang, points=format_number(points, lang, digits, sign=True))


def format_datetime(moment: dt.datetime | None, lang: str, format: str = "yyyy-MM-dd HH:mm") -> str:
    """A moment as written on the pages, "2026-11-27 14:05" (a CLDR pattern, or Babel's "short",
    "medium", "long"), in its own time zone: a naive time is shown as it is, never converted."""
    if _missing(moment):
        return EMPTY
    return _babel_datetime(moment, format=format, tzinfo=moment.tzinfo, locale=locale_of(lang))


def format_date(day: dt.date | None, lang: str, format: str = "medium") -> str:
    """A date in words of the language: "2026年11月27日" / "Nov 27, 2026" (Babel's medium format;
    "short", "long", "full" or a CLDR pattern such as "yyyy-MM-dd" also work)."""
    if _missing(day):
        return EMPTY
    return _babel_date(day, format=format, locale=locale_of(lang))
