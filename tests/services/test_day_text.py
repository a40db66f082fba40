from datetime import date

from ptclinic.services.day_text import day_text, weekday_day_text


def test_dates_are_written_in_english_whatever_the_locale() -> None:
    assert day_text(date(2026, 3, 7)) == "Mar 7, 2026"
    assert weekday_day_text(date(2026, 11, 23)) == "Mon Nov 23, 2026"
    assert weekday_day_text(date(2026, 11, 29)) == "Sun Nov 29, 2026"
