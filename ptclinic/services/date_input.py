"""Reading a date the way a US front desk types it: "3/7/2026", "3/7", "030726", "Mar 7",
"t+7", "tomorrow"... Month first, as on every American form.

``parse_typed_date(text, today)`` gives the date, or None when the text is not one; it never
guesses past what is typed. Case and spaces do not matter. What it reads:

- month/day/year with "/" or "-": "3/7/2026", "03/07/2026", "3-7-2026", "3/7/26"; "3/7" is
  this year;
- the ISO form, year first: "2026-03-07" (or "2026/3/7");
- digits alone: "030726" (MMDDYY) and "03072026" (MMDDYYYY; "20260307", which cannot be a
  month first, is read year first);
- month names, English, in full or cut to three letters or more ("Sept" too), before or after
  the day, the year optional and the day possibly "7th": "Mar 7, 2026", "March 7 2026",
  "7 Mar 2026", "Mar 7". A leading weekday is passed over without being checked, so the date
  fields' own "Sat Mar 7, 2026" reads back, and so does one whose day was edited and whose
  weekday was not;
- days from today: "t" or "today", "t+7", "t-3", "+7", "-3", "+2w" (weeks), "tomorrow",
  "yesterday".

A two-digit year lands in the hundred years from 79 years before today's year to 20 after
(in 2026: "47" is 1947, "46" is 2046). These are clinic dates (visits, referrals, onsets), so a
year a little ahead is more likely than one a century back, and "99" still reads as 1999 for an
old injury. Impossible dates ("2/30/2026", "13/1/2026") are None, never rolled over.

Dots are not taken as separators ("3.7.2026"): elsewhere they mean day first, and a misread
date is worse than a question.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

FUTURE_YEARS = 20  # a two-digit year is at most this far after today's year...
PAST_YEARS = 79  # ...and at most this far before it: one hundred years in all

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WORDS = {"t": 0, "today": 0, "tomorrow": 1, "yesterday": -1}

_RELATIVE = re.compile(r"(?:t|today)?([+-])(\d{1,5})([dw]?)")
_NUMERIC = re.compile(r"(\d{1,4})([/-])(\d{1,2})(?:\2(\d{1,4}))?")
_DIGITS = re.compile(r"\d{6}|\d{8}")
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_YEAR = re.compile(r"\d{2}|\d{4}")


def parse_typed_date(text: str, today: date) -> date | None:
    """The date ``text`` says, ``today`` being the clinic's today; None if it says none."""
    typed = " ".join(text.lower().split())
    if not typed:
        return None
    try:
        if typed in _WORDS:
            return today + timedelta(days=_WORDS[typed])
        if match := _RELATIVE.fullmatch(typed.replace(" ", "")):
            sign, count, unit = match.groups()
            days = int(count) * (7 if unit == "w" else 1)
            return today + timedelta(days=days if sign == "+" else -days)
        if match := _NUMERIC.fullmatch(typed.replace(" ", "")):
            return _numeric(match, today)
        if _DIGITS.fullmatch(typed):
            return _digits(typed, today)
        return _worded(typed, today)
    except (ValueError, OverflowError):  # no such day, or beyond the years Python can count
        return None


def two_digit_year(year: int, today: date) -> int:
    """The full year a two-digit ``year`` stands for (see the module's rule)."""
    full = today.year - today.year % 100 + year
    if full > today.year + FUTURE_YEARS:
        return full - 100
    if full < today.year - PAST_YEARS:
        return full + 100
    return full


def _year(text: str, today: date) -> int:
    if not _YEAR.fullmatch(text):
        raise ValueError(f"not a year: {text!r}")
    return two_digit_year(int(text), today) if len(text) == 2 else int(text)


def _numeric(match: re.Match[str], today: date) -> date:
    first, _separator, second, third = match.groups()
    if len(first) == 4:  # year first: 2026-03-07
        if third is None or len(third) > 2:
            raise ValueError("a year-first date needs a month and a day")
        return date(int(first), int(second), int(third))
    if len(first) > 2:
        raise ValueError("a month has at most two digits")
    year = today.year if third is None else _year(third, today)
    return date(year, int(first), int(second))


def _digits(typed: str, today: date) -> date:
    month, day, year = int(typed[:2]), int(typed[2:4]), typed[4:]
    if len(typed) == 8 and not 1 <= month <= 12:  # 20260307: the year comes first
        return date(int(typed[:4]), int(typed[4:6]), int(typed[6:]))
    return date(_year(year, today), month, day)


def _month(word: str) -> int | None:
    if word == "sept":
        return 9
    if len(word) < 3:
        return None
    for number, name in enumerate(_MONTH_NAMES, start=1):
        if name.startswith(word):
            return number
    return None


def _is_weekday(word: str) -> bool:
    return word == "weds" or (len(word) >= 3 and any(n.startswith(word) for n in _WEEKDAY_NAMES))


def _worded(typed: str, today: date) -> date | None:
    """ "Mar 7, 2026", "March 7th 2026", "7 Mar 2026", "Sat Mar 7, 2026", "7-mar-26"."""
    words = re.sub(r"[,.\-/]", " ", typed).split()
    if words and _is_weekday(words[0]) and _month(words[0]) is None:
        words = words[1:]
    if len(words) not in (2, 3):
        return None
    if (month := _month(words[0])) is not None:
        day_word = words[1]
    elif (month := _month(words[1])) is not None:
        day_word = words[0]
    else:
        return None
    day = _DAY.fullmatch(day_word)
    if day is None:
        return None
    year = today.year if len(words) == 2 else _year(words[2], today)
    return date(year, month, int(day.group(1)))
