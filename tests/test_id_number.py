"""GB 11643 ID numbers: check characters computed by hand, historical Zhoukou region codes."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.id_number import check_character, make_id_number, parse_id_number


def test_check_character_x_by_hand():
    # 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 times 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
    # 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> "10X98765432"[2] = X
    assert check_character("11010519491231002") == "X"
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "F"  # sequence 002 is even


def test_check_character_digit_by_hand():
    # 4 4 0 5 2 4 1 8 8 0 0 1 0 1 0 0 1: 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195;
    # 195 mod 11 = 8 -> "10X98765432"[8] = 4
    assert check_character("44052418800101001") == "4"
    with pytest.raises(ValueError, match="before 1900"):  # the standard's example, born 1880
        parse_id_number("440524188001010014")


def test_lower_case_x_is_accepted():
    assert parse_id_number("11010519491231002x").sequence == 2


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValueError, match="check character is 7, expected X"):
        parse_id_number("110105194912310027")


def test_former_prefecture_code_before_2000_is_valid():
    number = make_id_number("412701", dt.date(1985, 3, 12), 123)
    parsed = parse_id_number(number)
    assert parsed.region_code == "412701"
    assert parsed.gender == "M"


def test_huaiyang_411626_is_valid():
    number = make_id_number("411626", dt.date(2010, 7, 1), 304)
    assert parse_id_number(number).region_code == "411626"
    assert parse_id_number(number).gender == "F"


def test_other_province_is_valid_but_no_province_is_not():
    assert parse_id_number(make_id_number("320102", dt.date(1970, 1, 1), 5)).region_code == "320102"
    with pytest.raises(ValueError, match="names no province"):
        parse_id_number(make_id_number("991602", dt.date(1970, 1, 1), 5))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("4116021990051710", "18 characters"),
        ("41160219900231101X", "not a date"),
        ("4116021990051710AX", "17 digits"),
    ],
)
def test_malformed_numbers(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_id_number(value)
