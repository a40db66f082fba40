"""Dates as the app writes them for people: "Nov 23, 2026", "Mon Nov 23, 2026".

Fixed English names rather than strftime's "%b" and "%a", which follow the C locale (Qt sets it
from the desktop's language, and the rest of the app is English)."""

from __future__ import annotations

from datetime import date

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_text(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def weekday_day_text(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day_text(day)}"
