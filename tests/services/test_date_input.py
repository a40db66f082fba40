"""Reading typed dates the way a US front desk types them."""

from __future__ import annotations

from datetime import date

import pytest

from ptclinic.services.date_input import parse_typed_date, two_digit_year

TODAY = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # month / day / year
        ("3/7/2026", date(2026, 3, 7)),
        ("03/07/2026", date(2026, 3, 7)),
        ("3/7/26", date(2026, 3, 7)),
        ("12/25/2025", date(2025, 12, 25)),
        ("3-7-2026", date(2026, 3, 7)),
        ("3 / 7 / 2026", date(2026, 3, 7)),
        ("3/7", date(2026, 3, 7)),  # this year
        ("12/31", date(2026, 12, 31)),
        # ISO, year first
        ("2026-03-07", date(2026, 3, 7)),
        ("2026/3/7", date(2026, 3, 7)),
        # digits alone
        ("030726", date(2026, 3, 7)),
        ("03072026", date(2026, 3, 7)),
        ("20260307", date(2026, 3, 7)),  # cannot be month 20: year first
        # month names
        ("Mar 7, 2026", date(2026, 3, 7)),
        ("March 7 2026", date(2026, 3, 7)),
        ("march 7th, 2026", date(2026, 3, 7)),
        ("Mar. 7, 2026", date(2026, 3, 7)),
        ("7 Mar 2026", date(2026, 3, 7)),
        ("7-mar-2026", date(2026, 3, 7)),
        ("Mar 7", date(2026, 3, 7)),
        ("7 March", date(2026, 3, 7)),
        ("Sept 1, 2026", date(2026, 9, 1)),
        ("Sep 1 26", date(2026, 9, 1)),
        ("MAY 5 2027", date(2027, 5, 5)),
        # the date fields' own text, and one whose weekday was left stale after an edit
        ("Sat Mar 7, 2026", date(2026, 3, 7)),
        ("Mon Nov 23, 2026", date(2026, 11, 23)),
        ("Saturday, March 7, 2026", date(2026, 3, 7)),
        ("Thurs Mar 9, 2026", date(2026, 3, 9)),
        ("Sat Mar 9, 2026", date(2026, 3, 9)),
        # from today
        ("t", TODAY),
        ("today", TODAY),
        ("T", TODAY),
        ("  Today  ", TODAY),
        ("t+7", date(2026, 11, 30)),
        ("t + 7", date(2026, 11, 30)),
        ("today+1", date(2026, 11, 24)),
        ("t-3", date(2026, 11, 20)),
        ("+7", date(2026, 11, 30)),
        ("-3", date(2026, 11, 20)),
        ("+2w", date(2026, 12, 7)),
        ("t+40", date(2027, 1, 2)),
        ("tomorrow", date(2026, 11, 24)),
        ("Yesterday", date(2026, 11, 22)),
        # leap days
        ("2/29/2028", date(2028, 2, 29)),
        ("022928", date(2028, 2, 29)),
    ],
)
def test_typed_dates_are_read(typed: str, expected: date) -> None:
    assert parse_typed_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "2/30/2026",  # no such day
        "13/1/2026",  # no such month (nor day first: this is a US desk)
        "0/7/2026",
        "2/29/2026",  # not a leap year
        "3/7/202",  # a year of three digits is a typo
        "3/7/6",
        "3.7.2026",  # dots mean day first elsewhere: not guessed
        "3/7-2026",  # mixed separators
        "2026-03",
        "2026-3-7-1",
        "123/7/2026",
        "0307",
        "0307202",
        "Feb 30, 2026",
        "Mar 2026",
        "Marc",  # a month without a day
        "Ma 7",  # two letters are not a month
        "Foo 7, 2026",
        "Sat",
        "next week",
        "t+",
        "t*3",
        "+999999",
        "t-999999",  # more days than anyone means
        "1/1/10000",
        "0000-01-01",
        "Mar 32",
        "Mar 7 Sat",
    ],
)
def test_text_that_is_not_a_date_gives_none(typed: str) -> None:
    assert parse_typed_date(typed, TODAY) is None


@pytest.mark.parametrize(
    ("two_digits", "today", "year"),
    [
        (26, date(2026, 1, 1), 2026),
        (46, date(2026, 1, 1), 2046),  # twenty years ahead at most
        (47, date(2026, 1, 1), 1947),  # then a century back
        (99, date(2026, 1, 1), 1999),
        (0, date(2026, 1, 1), 2000),
        (5, date(2090, 6, 1), 2105),  # near a century's end the window moves on
        (11, date(2090, 6, 1), 2011),
        (10, date(2090, 6, 1), 2110),
    ],
)
def test_a_two_digit_year_falls_within_79_years_back_and_20_ahead(
    two_digits: int, today: date, year: int
) -> None:
    assert two_digit_year(two_digits, today) == year


def test_two_digit_years_in_typed_dates_follow_the_same_window() -> None:
    assert parse_typed_date("3/7/46", TODAY) == date(2046, 3, 7)
    assert parse_typed_date("3/7/47", TODAY) == date(1947, 3, 7)
    assert parse_typed_date("030799", TODAY) == date(1999, 3, 7)
