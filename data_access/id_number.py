"""Resident ID numbers (GB 11643-1999): check character, parsing, validation and masking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import mul

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

# GB/T 2260 province-level prefixes: a region code must start with one of these.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 "
    "65 71 81 82".split()
)


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17:
        raise ValueError(f"need 17 digits, not {len(first17)}")
    total = sum(map(mul, map(int, first17), _WEIGHTS))  # the fast form: imports check millions
    return _CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class ParsedId:
    region_code: str
    birth_date: dt.date
    sequence: int
    gender: str  # M (odd sequence) or F (even)


def parse_id_number(value: str) -> ParsedId:
    """Parse and validate an 18-character ID number; ValueError with a plain reason if invalid."""
    if value is None:
        raise ValueError("empty ID number")
    v = value.strip().upper()
    if len(v) != 18:
        raise ValueError(f"ID number must have 18 characters, not {len(v)}")
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        raise ValueError("ID number must be 17 digits and a digit or X")
    if v[:2] not in PROVINCE_PREFIXES:
        raise ValueError(f"region code {v[:6]} names no province")
    try:
        birth = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise ValueError(f"birth date {v[6:14]} in the ID number is not a date") from None
    if birth.year < 1900:
        raise ValueError(f"birth date {birth.isoformat()} in the ID number is before 1900")
    if birth > dt.date.today() + dt.timedelta(days=1):
        raise ValueError(f"birth date {birth.isoformat()} in the ID number is in the future")
    expected = check_character(v[:17])
    if v[17] != expected:
        raise ValueError(f"check character is {v[17]}, expected {expected}")
    sequence = int(v[14:17])
    return ParsedId(v[:6], birth, sequence, "M" if sequence % 2 else "F")


def is_valid_id_number(value: str) -> bool:
    try:
        parse_id_number(value)
    except ValueError:
        return False
    return True


def make_id_number(region_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid ID number; sequence 0..999 (odd for men, even for women)."""
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def mask_id_number(value: str | None) -> str:
    """4127**********123X: the first four and the last four characters stay visible. Missing
    (None, or NaN: pandas' string columns hold a missing value as NaN) reads as ""."""
    if not isinstance(value, str) or not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(value: str | None) -> str:
    """王*明 for three characters, 王* for two; only the family name and last character stay.
    Missing (None or NaN, as for a lookup of an unknown subject) reads as ""."""
    if not isinstance(value, str) or not value:
        return ""
    if len(value) == 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
