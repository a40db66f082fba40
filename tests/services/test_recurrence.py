"""Recurring visits: the RRULE, the preview and booking all or nothing, on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ptclinic.models import (
    Appointment,
    AuditEvent,
    ClosedDay,
    EpisodeOfCare,
)
from ptclinic.roles import Role
from ptclinic.services import booking, recurrence
from ptclinic.services.booking import BookingCheck
from ptclinic.services.errors import (
    ConflictError,
    PermissionDenied,
    ValidationError,
)
from ptclinic.services.recurrence import (
    Pick,
    WeeklyPattern,
    build_rule,
    describe_rule,
    local_occurrences,
)
from tests.services.conftest import CHICAGO, MONDAY, Clinic, at
from tests.services.series_helpers import (
    MON_THU,
    day_after,
    series_request,
    series_rows,
    three_weeks,
    visits,
)

# --- the rule -------------------------------------------------------------------------------


def test_a_weekly_pattern_becomes_an_rfc_5545_rule() -> None:
    first, rule = build_rule(WeeklyPattern(MON_THU, time(10), MONDAY, weeks=6))
    assert (first, rule) == (
        datetime(2026, 12, 7, 10),
        "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270117T235959",
    )
    assert len(local_occurrences(first, rule)) == 12
    assert describe_rule(first, rule) == (
        "Mondays and Thursdays at 10:00, 12 visits from Mon 07 Dec 2026 to Thu 14 Jan 2027"
    )
    # Starting on a Wednesday, the first visit is the Thursday; "6 weeks" still means 12 visits.
    first, rule = build_rule(WeeklyPattern(MON_THU, time(10), day_after(2), weeks=6))
    assert first == datetime(2026, 12, 10, 10) and len(local_occurrences(first, rule)) == 12
    assert build_rule(WeeklyPattern((3, 0), time(8, 30), MONDAY, count=5))[1] == (
        "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5"
    )
    first, rule = build_rule(
        WeeklyPattern((2,), time(9), MONDAY, until=day_after(30), every_weeks=2)
    )
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;UNTIL=20270106T235959"
    assert [o.day for o in local_occurrences(first, rule)] == [9, 23, 6]
    assert describe_rule(first, rule).startswith("Every 2 weeks on Wednesdays at 09:00, 3 visits")


def test_a_pattern_without_a_sensible_end_is_refused() -> None:
    def fields(pattern: WeeklyPattern) -> set[str]:
        with pytest.raises(ValidationError) as caught:
            build_rule(pattern)
        return set(caught.value.field_errors)

    assert fields(WeeklyPattern((), time(10), MONDAY, weeks=2)) == {"weekdays"}
    assert fields(WeeklyPattern(MON_THU, time(10), MONDAY)) == {"end"}
    assert fields(WeeklyPattern(MON_THU, time(10), MONDAY, weeks=2, count=4)) == {"end"}
    assert fields(WeeklyPattern(MON_THU, time(10), MONDAY, count=0)) == {"count"}
    assert fields(WeeklyPattern(MON_THU, time(10), MONDAY, until=day_after(-1))) == {"until"}
    assert fields(WeeklyPattern(tuple(range(7)), time(10), MONDAY, weeks=20)) == {"end"}


def test_ending_a_rule_keeps_the_occurrences_before_the_cut() -> None:
    first, rule = build_rule(WeeklyPattern(MON_THU, time(10), MONDAY, count=6))
    cut = recurrence.ended_before(rule, first, datetime(2026, 12, 17, 10))
    assert cut == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261217T095959"
    assert [o.day for o in local_occurrences(first, cut)] == [7, 10, 14]
    # A rule that already ends earlier is left as it is.
    assert recurrence.ended_before(cut, first, datetime(2027, 1, 1)) == cut


# --- preview and booking ----------------------------------------------------------------------


def test_the_preview_keeps_the_wall_clock_across_a_daylight_saving_change(
    scheduled: Clinic,
) -> None:
    # Chicago moves its clocks forward on Sunday 14 March 2027.
    pattern = WeeklyPattern((0,), time(10), date(2027, 3, 1), weeks=3)
    preview = recurrence.preview_series(
        scheduled.db, scheduled.desk, series_request(scheduled, pattern)
    )
    assert [v.starts_at for v in preview.visits] == [
        datetime(2027, 3, 1, 16, tzinfo=UTC),
        datetime(2027, 3, 8, 16, tzinfo=UTC),
        datetime(2027, 3, 15, 15, tzinfo=UTC),
    ]
    assert {f"{v.starts_at.astimezone(CHICAGO):%H:%M}" for v in preview.visits} == {"10:00"}
    assert all(v.ends_at - v.starts_at == timedelta(minutes=45) for v in preview.visits)


def test_the_preview_flags_clashes_and_closed_days_and_writes_nothing(scheduled: Clinic) -> None:
    booking.book(
        scheduled.db,
        scheduled.desk,
        scheduled.request(at(day_after(3), 10), patient=scheduled.chen),
    )
    with scheduled.db.session() as session:
        session.add(ClosedDay(day=day_after(17), reason="Christmas Eve"))
    preview = recurrence.preview_series(scheduled.db, scheduled.desk, three_weeks(scheduled))
    assert preview.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261227T235959"
    assert preview.description.startswith("Mondays and Thursdays at 10:00, 6 visits")
    assert [v.bookable for v in preview.visits] == [True, False, True, True, True, False]
    assert preview.visits[1].check.clashes == ("Dana Lee already sees W. Chen 10:00–10:45.",)
    assert preview.visits[5].check.outside_hours == (
        "The clinic is closed on Thursday 24 December (Christmas Eve)."
    )
    assert len(visits(scheduled)) == 1 and series_rows(scheduled) == []


def test_the_preview_counts_authorised_visits_across_the_series(scheduled: Clinic) -> None:
    with scheduled.db.session() as session:
        episode = EpisodeOfCare(
            patient_id=scheduled.ortiz, start_date=MONDAY, authorized_visits=4, title="SI joint"
        )
        session.add(episode)
        session.flush()
        episode_id = episode.id
    preview = recurrence.preview_series(
        scheduled.db, scheduled.desk, three_weeks(scheduled, episode_id=episode_id)
    )
    over = [
        any("only 4 are authorized" in w for w in visit.check.warnings) for visit in preview.visits
    ]
    assert over == [False, False, False, False, True, True]
    assert "visit 6 of the episode" in " ".join(preview.visits[5].check.warnings)
    assert visits(scheduled) == []


def test_booking_a_series_books_the_free_visits_and_the_chosen_alternatives(
    scheduled: Clinic,
) -> None:
    booking.book(
        scheduled.db,
        scheduled.desk,
        scheduled.request(at(day_after(3), 10), patient=scheduled.chen),
    )
    request = three_weeks(scheduled, room_id=scheduled.room1)
    preview = recurrence.preview_series(scheduled.db, scheduled.desk, request)
    picks = [Pick(v.original_start) for v in preview.visits if v.bookable]
    picks.append(Pick(preview.visits[1].original_start, starts_at=at(day_after(3), 11)))
    picks.remove(Pick(preview.visits[4].original_start))  # the patient is away that Monday
    booked = recurrence.book_series(scheduled.db, scheduled.desk, request, picks)

    series_id = booked.series_id
    assert visits(scheduled) == [
        ("Mon 07 10:00", "scheduled", series_id),
        ("Thu 10 10:00", "scheduled", None),  # Chen's visit
        ("Thu 10 11:00", "scheduled", series_id),
        ("Mon 14 10:00", "scheduled", series_id),
        ("Thu 17 10:00", "scheduled", series_id),
        ("Thu 24 10:00", "scheduled", series_id),
    ]
    (series,) = series_rows(scheduled)
    assert series.first_start_local == datetime(2026, 12, 7, 10)
    assert series.rrule == preview.rrule and series.minutes == 45
    assert series.room_id == scheduled.room1
    with scheduled.db.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type.in_(["series", "appointment"]))
        ).all()
        rooms = set(
            session.scalars(select(Appointment.room_id).where(Appointment.series_id == series_id))
        )
    created = [(e.entity_type, e.patient_id) for e in events if e.action == "create"]
    assert created.count(("series", scheduled.ortiz)) == 1
    assert created.count(("appointment", scheduled.ortiz)) == 5
    assert rooms == {scheduled.room1}


def test_one_visit_that_cannot_be_booked_refuses_the_whole_series(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    booking.book(db, desk, scheduled.request(at(day_after(3), 10), patient=scheduled.chen))
    request = three_weeks(scheduled)
    preview = recurrence.preview_series(db, desk, request)
    everything = [Pick(v.original_start) for v in preview.visits]
    with pytest.raises(ConflictError) as caught:
        recurrence.book_series(db, desk, request, everything)
    assert str(caught.value) == (
        "Thu 10 Dec at 10:00: Dana Lee already sees W. Chen 10:00–10:45. "
        "Nothing in the series was booked."
    )
    assert len(visits(scheduled)) == 1 and series_rows(scheduled) == []

    # A Sunday alternative is outside opening hours: only an administrator may allow it.
    picks = [Pick(v.original_start) for v in preview.visits if v.bookable]
    picks.append(Pick(preview.visits[1].original_start, starts_at=at(day_after(6), 10)))
    with pytest.raises(ConflictError, match="Sun 13 Dec at 10:00: The clinic is not open"):
        recurrence.book_series(db, desk, request, picks)
    assert series_rows(scheduled) == []
    booked = recurrence.book_series(db, desk, request, picks, override_by=scheduled.admin)
    assert len(booked.appointment_ids) == 6


def test_picks_must_name_the_series_own_dates(scheduled: Clinic) -> None:
    request = three_weeks(scheduled)

    def refused(picks: list[Pick]) -> None:
        with pytest.raises(ValidationError):
            recurrence.book_series(scheduled.db, scheduled.desk, request, picks)

    refused([])
    refused([Pick(at(day_after(1), 10))])  # a Tuesday: not in the series
    refused([Pick(at(MONDAY, 10)), Pick(at(MONDAY, 10), starts_at=at(MONDAY, 11))])
    assert series_rows(scheduled) == []


def test_a_slot_taken_by_another_workstation_meanwhile_is_named_and_nothing_is_written(
    scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, desk = scheduled.db, scheduled.desk
    request = three_weeks(scheduled)
    preview = recurrence.preview_series(db, desk, request)
    booking.book(db, desk, scheduled.request(at(day_after(7), 10), patient=scheduled.chen))
    # The other workstation's visit was committed after our checks ran: the checks (faked here)
    # saw nothing in the way, so it is the database's own guard that refuses the third visit.
    real_examine = booking.examine
    calls = {"n": 0}

    def examine_before_the_other_commit(
        session: Any, req: booking.BookingRequest, *, exclude_id: int | None = None
    ) -> tuple[BookingCheck, Any, Any]:
        calls["n"] += 1
        check, patient, therapist = real_examine(session, req, exclude_id=exclude_id)
        return (BookingCheck() if calls["n"] <= 3 else check), patient, therapist

    monkeypatch.setattr(booking, "examine", examine_before_the_other_commit)
    with pytest.raises(ConflictError) as caught:
        recurrence.book_series(db, desk, request, [Pick(v.original_start) for v in preview.visits])
    assert str(caught.value) == (
        "Mon 14 Dec at 10:00: Dana Lee already sees W. Chen 10:00–10:45. "
        "Nothing in the series was booked."
    )
    assert visits(scheduled) == [("Mon 14 10:00", "scheduled", None)]
    assert series_rows(scheduled) == []


def test_series_work_needs_the_schedule_permission(scheduled: Clinic, make_staff) -> None:  # type: ignore[no-untyped-def]
    student = make_staff("student", Role.STUDENT)
    with pytest.raises(PermissionDenied):
        recurrence.preview_series(scheduled.db, student, three_weeks(scheduled))
    with pytest.raises(PermissionDenied):
        recurrence.book_series(scheduled.db, student, three_weeks(scheduled), [])
