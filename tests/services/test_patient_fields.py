"""Age in whole years, as the chart, the search list and the evaluation's red-flag screen use it."""

from datetime import date

import pytest

from ptclinic.services.patient_fields import age_on


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(1980, 6, 15), date(2026, 6, 14), 45),  # the day before the birthday
        (date(1980, 6, 15), date(2026, 6, 15), 46),  # on the birthday
        (date(2000, 2, 29), date(2026, 2, 27), 25),  # a leap-day birthday in a common year
        (date(2000, 2, 29), date(2026, 2, 28), 26),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2026, 11, 23), date(2026, 11, 23), 0),
    ],
)
def test_age_in_whole_years(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age
