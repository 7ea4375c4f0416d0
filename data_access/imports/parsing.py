"""Field parsers for import values: each takes a non-empty stripped string and returns the value
to store, or raises ValueError with the reason in plain words (no column, no line: the caller
adds those).

A parser may carry a column-wise companion (`vector(parser)`): given a polars Series of non-empty
stripped strings it returns the parsed values, null wherever it is not certain to give exactly
what the parser gives (anything unusual, and every value the parser refuses). The importer runs
the companion over a whole chunk and the parser itself only on those nulls: the parser stays the
one definition of what is accepted, and the only source of the error messages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import polars as pl

from data_access.clock import CITY_TZ, city_today
from data_access.id_number import PROVINCE_PREFIXES, parse_id_number

Parser = Callable[[str], Any]
Vector = Callable[[pl.Series], pl.Series]

# Every character Python's str.strip() removes (polars' default set lacks \x1c-\x1f): the
# importer strips cells column-wise with exactly the set the row-by-row reader used.
PY_WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def vector(parser: Parser) -> Vector | None:
    """The parser's column-wise companion, if it has one."""
    return getattr(parser, "vector", None)


def with_vector(parser: Parser, companion: Vector) -> Parser:
    parser.vector = companion  # type: ignore[attr-defined]
    return parser


_DIGITS12 = re.compile(r"\d{12}")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


# No personal credit information predates 1900 or reaches beyond 2100: a date outside is a
# typing slip (0001-01-01, 9999-12-31), refused with its line rather than stored or crashing.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)


def _in_bounds(day: dt.date, value: str) -> None:
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"{value!r} is outside the plausible range {DATE_MIN} to {DATE_MAX}")


def parse_date(value: str) -> dt.date:
    """A calendar date written YYYY-MM-DD, between 1900 and 2100."""
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError(f"{value!r} is not a date YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date YYYY-MM-DD") from None
    _in_bounds(day, value)
    return day


def parse_datetime(value: str) -> dt.datetime:
    """An ISO 8601 date and time; naive = Asia/Shanghai local time; an offset is converted to
    Asia/Shanghai and dropped (times are stored naive, local)."""
    if len(value) < 10 or value[4] != "-":
        raise ValueError(f"{value!r} is not an ISO 8601 date and time")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date and time") from None
    _in_bounds(parsed.date(), value)
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(CITY_TZ).replace(tzinfo=None)
        except OverflowError:  # 9999-12-31T23:00:00-10:00 is past the last representable time
            raise ValueError(f"{value!r} is outside the plausible range") from None
    return parsed


_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# what both fromisoformat and polars read alike: seconds 00-59 (polars rolls a 60 over), at most
# six decimals, no offset (an offset goes to the parser)
_DATETIME_RE = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?$"
)


def _dates_vector(values: pl.Series) -> pl.Series:
    parsed = values.str.to_date("%Y-%m-%d", strict=False)
    fine = values.str.contains(_DATE_RE) & parsed.is_between(DATE_MIN, DATE_MAX)
    return pl.select(pl.when(fine).then(parsed)).to_series()


def _datetimes_vector(values: pl.Series) -> pl.Series:
    normal = values.str.slice(0, 10) + " " + values.str.slice(11)
    parsed = normal.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", strict=False)
    fine = values.str.contains(_DATETIME_RE) & parsed.dt.date().is_between(DATE_MIN, DATE_MAX)
    return pl.select(pl.when(fine).then(parsed)).to_series()


with_vector(parse_date, _dates_vector)
with_vector(parse_datetime, _datetimes_vector)


def today_local() -> dt.date:
    """Today in Asia/Shanghai: the import day that events may not come after."""
    return city_today()


def not_in_future(parser: Parser) -> Parser:
    """A date or time of something that has happened (a lookup, a decision, a birth): not after
    the import day (one day of grace for clocks)."""

    def parse(value: str) -> Any:
        parsed = parser(value)
        day = parsed.date() if isinstance(parsed, dt.datetime) else parsed
        if day > today_local() + dt.timedelta(days=1):
            raise ValueError(f"{value!r} is in the future (after the import day {today_local()})")
        return parsed

    inner = vector(parser)
    if inner is not None:

        def column(values: pl.Series) -> pl.Series:
            parsed = inner(values)
            days = parsed.dt.date() if parsed.dtype == pl.Datetime else parsed
            latest = today_local() + dt.timedelta(days=1)
            return pl.select(pl.when(days <= latest).then(parsed)).to_series()

        with_vector(parse, column)
    return parse


def parse_count(value: str) -> int:
    """A non-negative whole number."""
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise ValueError(f"{number} is negative")
    return number


def parse_year(value: str) -> int:
    if not (len(value) == 4 and value.isdigit()) or not 1990 <= int(value) <= 2100:
        raise ValueError(f"{value!r} is not a year between 1990 and 2100")
    return int(value)


def parse_positive_number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{value!r} must be a number greater than 0")
    return number


def parse_flag01(value: str) -> bool:
    if value == "1":
        return True
    if value == "0":
        return False
    raise ValueError(f"must be 1 or 0, not {value!r}")


def parse_residence_code(value: str) -> str:
    if not _DIGITS12.fullmatch(value):
        raise ValueError(f"{value!r} is not a 12-digit village or community code")
    return value


def parse_id(value: str) -> str:
    """A valid GB 11643 ID number, normalised to upper case (a final x becomes X)."""
    parse_id_number(value)
    return value.upper()


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_SHAPE = r"^[0-9]{17}[0-9X]$"


def id_numbers_valid(values: pl.Series) -> pl.Series:
    """Column-wise `parse_id_number` without the messages: True where it accepts the value,
    False where it refuses it, null where only it can tell (a value with non-ASCII characters).
    The same rules: 18 characters once stripped and upper-cased, 17 digits and a digit or X, a
    province prefix, a birth date from 1900 to tomorrow, the MOD 11-2 check character."""
    plain = values.str.strip_chars(PY_WHITESPACE).str.to_uppercase()
    ascii_only = values.str.contains(r"^[\x00-\x7f]*$")
    shaped = plain.str.contains(_ID_SHAPE).fill_null(False)
    born = plain.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    latest = dt.date.today() + dt.timedelta(days=1)
    valid = (
        shaped
        & plain.str.slice(0, 2).is_in(sorted(PROVINCE_PREFIXES))
        & born.is_between(dt.date(1900, 1, 1), latest).fill_null(False)
        & pl.Series(_check_character_matches(plain, shaped))
    )
    return pl.select(pl.when(ascii_only).then(valid)).to_series()


_ID_WEIGHT_VECTOR = np.array(_ID_WEIGHTS, dtype=np.int64)
_CHECK_CHARACTERS = np.frombuffer(b"10X98765432", dtype=np.uint8)


def _check_character_matches(plain: pl.Series, shaped: pl.Series) -> np.ndarray:
    """Where a value shaped like an ID number (17 ASCII digits and a digit or X) ends in its
    MOD 11-2 check character: the shaped values as one byte matrix, a row of 18 per value."""
    matches = np.zeros(len(plain), dtype=bool)
    rows = np.flatnonzero(shaped.to_numpy())
    if len(rows):
        text = plain.gather(rows).str.join("").item()
        digits = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        total = (digits[:, :17].astype(np.int64) - ord("0")) @ _ID_WEIGHT_VECTOR
        matches[rows] = digits[:, 17] == _CHECK_CHARACTERS[total % 11]
    return matches


def _ids_vector(values: pl.Series) -> pl.Series:
    valid = id_numbers_valid(values)
    return pl.select(pl.when(valid).then(values.str.to_uppercase())).to_series()


with_vector(parse_id, _ids_vector)


def period_problem(period: str, frequency: str) -> str | None:
    """None when `period` is written as the item's frequency requires, else the reason."""
    if frequency == "monthly":
        if not _MONTH.fullmatch(period):
            return f"{period!r} is not a monthly period YYYY-MM"
    elif frequency == "quarterly":
        if not _QUARTER.fullmatch(period):
            return f"{period!r} is not a quarterly period YYYY-Qn (n 1 to 4)"
    else:
        return f"the item's frequency {frequency!r} is unknown"
    return None


def text(max_len: int) -> Parser:
    """Free text of at most `max_len` characters (the column's width in the database)."""

    def parse(value: str) -> str:
        if len(value) > max_len:
            raise ValueError(too_long(value, max_len))
        return value

    parse.max_len = max_len  # type: ignore[attr-defined]  # lets the importer inline the check

    def column(values: pl.Series) -> pl.Series:
        return pl.select(pl.when(values.str.len_chars() <= max_len).then(values)).to_series()

    return with_vector(parse, column)


def too_long(value: str, max_len: int) -> str:
    return f"{len(value)} characters, at most {max_len} allowed"


def one_of(allowed: Iterable[str], what: str) -> Parser:
    """A code from a fixed set; small sets are listed in the message, large ones are not."""
    allowed = frozenset(allowed)
    listed = sorted(allowed)
    hint = ", ".join(listed) if len(listed) <= 6 else None

    def parse(value: str) -> str:
        if value not in allowed:
            if hint:
                raise ValueError(f"{value!r} is not a {what} (expected {hint})")
            raise ValueError(f"unknown {what} {value!r}")
        return value

    def column(values: pl.Series) -> pl.Series:
        return pl.select(pl.when(values.is_in(listed)).then(values)).to_series()

    return with_vector(parse, column)
