"""Medicare's rules as pure functions: the progress report every 10 treatment days, the
certification reminders, the 90-day period, the visit limit and the threshold words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ptclinic.services.compliance import (
    PROGRESS_EVERY,
    ThresholdTotal,
    Visit,
    certification_period_problem,
    certification_state,
    progress_due_visits,
    visits_left,
)

START = date(2026, 9, 1)


def _visits(count: int, every: int = 2) -> list[Visit]:
    return [Visit(n + 1, START + timedelta(days=n * every)) for n in range(count)]


def test_the_visit_reaching_the_tenth_treatment_day_needs_the_progress_note() -> None:
    visits = _visits(12)
    due = progress_due_visits(visits, [])
    assert due == {10: 10, 11: 11, 12: 12}  # it stays due until a report is written


def test_nine_visits_need_no_report_yet() -> None:
    assert progress_due_visits(_visits(9), []) == {}


def test_a_report_ends_the_period_and_the_next_visit_starts_counting_again() -> None:
    visits = _visits(25)
    report = visits[9].day  # written at the 10th visit
    due = progress_due_visits(visits, [report])
    assert 10 not in due  # its own report is written that day
    assert min(due) == 20 and due[20] == PROGRESS_EVERY  # visits 11..20 are the next ten


def test_an_early_report_restarts_the_count() -> None:
    visits = _visits(16)
    due = progress_due_visits(visits, [visits[4].day])
    assert min(due) == 15  # visits 6..15 make the next ten


def test_a_report_between_visits_counts_from_the_next_visit() -> None:
    visits = _visits(12, every=3)
    between = visits[1].day + timedelta(days=1)
    assert progress_due_visits(visits, [between]) == {12: 10}  # visits 3..12 are the ten
    assert progress_due_visits(visits[:11], [between]) == {}


def test_no_certification_before_the_evaluation_is_signed_needs_nothing() -> None:
    assert certification_state([], START, None).reminder == ""
    assert "not certified" in certification_state([], START, START).reminder


@pytest.mark.parametrize(
    ("today", "words"),
    [
        (date(2026, 10, 1), ""),
        (date(2026, 11, 15), "Recertify the plan of care by Nov 29 (14 days left)."),
        (date(2026, 11, 29), "Recertify the plan of care by Nov 29 (0 days left)."),
        (date(2026, 11, 30), "Plan of care certification ended Nov 29: recertify."),
    ],
)
def test_recertification_reminders_begin_fourteen_days_ahead(today: date, words: str) -> None:
    periods = [(START, date(2026, 11, 29), START)]
    assert certification_state(periods, today, START).reminder == words


def test_the_newest_period_decides_and_an_unsigned_one_is_flagged() -> None:
    periods = [(START, date(2026, 11, 29), START), (date(2026, 11, 30), date(2027, 2, 27), None)]
    state = certification_state(periods, date(2026, 12, 10), START)
    assert state.period_end == date(2027, 2, 27)
    assert state.reminder == "The physician has not signed the plan of care yet."


def test_a_medicare_period_is_at_most_ninety_days() -> None:
    assert certification_period_problem(START, START + timedelta(days=89), True) == ""
    problem = certification_period_problem(START, START + timedelta(days=90), True)
    assert "at most 90 days" in problem and "Nov 29, 2026" in problem
    assert certification_period_problem(START, START + timedelta(days=200), False) == ""
    assert "ends before" in certification_period_problem(START, START - timedelta(days=1), False)


def test_visits_left_warns_when_three_or_fewer_remain() -> None:
    assert visits_left(None, 30) == ""
    assert visits_left(12, 8) == ""
    assert visits_left(12, 9) == "3 of 12 authorized visits left."
    assert "2 visits past the 12 authorized" in visits_left(12, 14)


def test_threshold_words_only_when_fees_are_kept() -> None:
    assert ThresholdTotal(2026, 0, 248_000, priced_charges=False).words() == ""
    under = ThresholdTotal(2026, 120_050, 248_000, priced_charges=True)
    assert under.words() == "$1,200.50 of the $2,480.00 therapy threshold billed in 2026."
    assert not under.over
    over = ThresholdTotal(2026, 250_000, 248_000, priced_charges=True)
    assert over.over and "KX modifier" in over.words()
