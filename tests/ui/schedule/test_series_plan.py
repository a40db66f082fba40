"""The series dialog's plan: which visits are booked (free ones, a clash only at another time,
outside the hours only when ticked), the picks it hands ``book_series``, and its words."""

from __future__ import annotations

from datetime import datetime, timedelta

from ptclinic.services.booking import BookingCheck
from ptclinic.services.recurrence import Pick, PlannedVisit, SeriesPreview
from ptclinic.ui.schedule.series_parts import Tone
from ptclinic.ui.schedule.series_picker import Alternative
from ptclinic.ui.schedule.series_plan import SeriesPlan, Toggle
from tests.services.conftest import CHICAGO, MONDAY, at

LEE, KIM = 3, 4
CLASH = BookingCheck(clashes=("Dana Lee already sees W. Chen 10:00–10:45.",))
CLOSED = BookingCheck(outside_hours="The clinic is closed on Thursday 24 December.")
MISSED = "M. Ortiz has missed 2 visits without notice."
FREE = BookingCheck()


def _visit(start: datetime, check: BookingCheck = FREE) -> PlannedVisit:
    return PlannedVisit(start, start, start + timedelta(minutes=45), LEE, None, check)


def _preview(*visits: PlannedVisit) -> SeriesPreview:
    return SeriesPreview(datetime(2026, 12, 7, 10), "FREQ=WEEKLY", 45, "", visits)


def _keep(_visit: PlannedVisit, alternative: Alternative) -> Alternative:
    return alternative


MON = at(MONDAY, 10)
THU = at(MONDAY + timedelta(days=3), 10)
NEXT_MON = at(MONDAY + timedelta(days=7), 10)


def test_free_visits_are_booked_and_a_clash_only_at_another_time() -> None:
    plan = SeriesPlan(CHICAGO)
    plan.set_preview(_preview(_visit(MON), _visit(THU, CLASH), _visit(NEXT_MON, CLOSED)), _keep)
    assert [plan.is_booked(v) for v in plan.visits()] == [True, False, False]
    assert plan.picks() == [Pick(MON)]
    assert plan.toggle(1) is Toggle.NEEDS_ANOTHER_TIME  # the box alone cannot book a clash
    assert plan.toggle(2) is Toggle.DONE and plan.needs_approval()
    assert plan.toggle(0) is Toggle.DONE and plan.picks() == [Pick(NEXT_MON)]
    assert plan.toggle(7) is Toggle.NO_SUCH_VISIT
    eleven = THU + timedelta(hours=1)
    plan.set_alternative(plan.visits()[1], Alternative(eleven, KIM, "Brian Kim", BookingCheck()))
    assert plan.picks() == [Pick(THU, starts_at=eleven, therapist_id=KIM), Pick(NEXT_MON)]
    assert plan.tally() == "2 of 3 to book; 1 left out."
    rows = plan.rows()
    assert rows[1].cells == (
        "Thu Dec 10",
        "11:00–11:45",
        "↻ Instead of Thu Dec 10, 10:00 with Brian Kim: ✓ Free",
    )
    assert (rows[0].tone, rows[0].ticked) == (Tone.MUTED, False)
    assert rows[0].cells[2] == "– Skipped, not booked (✓ Free)"


def test_a_new_preview_drops_choices_about_visits_no_longer_in_it() -> None:
    plan = SeriesPlan(CHICAGO)
    plan.set_preview(_preview(_visit(MON), _visit(THU, CLASH)), _keep)
    plan.toggle(0)
    plan.set_alternative(plan.visits()[1], Alternative(THU, LEE, "Dana Lee", BookingCheck()))
    before = plan.choices()
    rechecked: list[datetime] = []

    def taken(visit: PlannedVisit, alternative: Alternative) -> Alternative:
        rechecked.append(visit.original_start)
        return Alternative(alternative.starts_at, LEE, "Dana Lee", CLASH)

    plan.set_preview(_preview(_visit(THU, CLASH)), taken)  # Monday is no longer in the series
    assert rechecked == [THU] and plan.choices() != before
    assert plan.skipped == set() and not plan.is_booked(plan.visits()[0])
    assert plan.lost({THU}) == [plan.visits()[0]]  # its other time is taken now


def test_a_warning_about_many_visits_is_said_once_under_the_list() -> None:
    own = "This would be visit 3 of the episode, but only 2 are authorized."
    plan = SeriesPlan(CHICAGO)
    plan.set_preview(
        _preview(
            _visit(MON, BookingCheck(warnings=(MISSED,))),
            _visit(THU, BookingCheck(warnings=(MISSED, own))),
        ),
        _keep,
    )
    assert plan.warnings() == {MISSED: 2, own: 1}
    assert [row.cells[2] for row in plan.rows()] == [
        "⚠ Free; see the warning below.",
        f"⚠ Free; {own} See also the warning below.",
    ]
    assert {row.tone for row in plan.rows()} == {Tone.NOTICE}


def test_another_time_on_the_series_own_visit_is_a_clash_and_not_booked() -> None:
    plan = SeriesPlan(CHICAGO)
    plan.set_preview(_preview(_visit(MON), _visit(THU, CLASH), _visit(NEXT_MON)), _keep)
    thursday = plan.visits()[1]
    # The database said the next Monday at 10:00 was free, but the series books it already.
    plan.set_alternative(thursday, Alternative(NEXT_MON, LEE, "Dana Lee", BookingCheck()))
    assert not plan.is_booked(thursday)
    assert plan.check(thursday).clashes == (
        "Another visit of this series is on Mon Dec 14, 10:00.",
    )
    assert plan.picks() == [Pick(MON), Pick(NEXT_MON)]
    assert plan.taken(thursday) == [
        (MON, MON + timedelta(minutes=45)),
        (NEXT_MON, NEXT_MON + timedelta(minutes=45)),
    ]
    # Leaving the next Monday out frees its time for the Thursday's visit.
    assert plan.toggle(2) is Toggle.DONE
    assert plan.is_booked(thursday)
    assert plan.picks() == [Pick(MON), Pick(THU, starts_at=NEXT_MON)]


def test_of_two_other_times_that_overlap_the_later_visits_choice_is_the_clash() -> None:
    plan = SeriesPlan(CHICAGO)
    plan.set_preview(_preview(_visit(MON, CLASH), _visit(THU, CLASH)), _keep)
    first, second = plan.visits()
    tuesday = MON + timedelta(days=1)
    plan.set_alternative(first, Alternative(tuesday, LEE, "Dana Lee", BookingCheck()))
    plan.set_alternative(
        second, Alternative(tuesday + timedelta(minutes=30), LEE, "Dana Lee", FREE)
    )
    assert plan.is_booked(first) and not plan.is_booked(second)
    assert plan.tally() == "1 of 2 to book; 1 left out (1 with a clash)."
