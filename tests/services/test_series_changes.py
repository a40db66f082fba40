"""Changing or cancelling visits of a series: one, this and the following, or all future ones,
all or nothing, on both engines."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from ptclinic.models import (
    Appointment,
    AuditEvent,
)
from ptclinic.services import booking, series_changes
from ptclinic.services.booking import BookingCheck
from ptclinic.services.errors import (
    ConflictError,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.recurrence import (
    WeeklyPattern,
    describe_rule,
    local_occurrences,
)
from ptclinic.services.series_changes import SeriesChange, SeriesScope
from tests.services.conftest import MONDAY, Clinic, at
from tests.services.series_helpers import (
    MON_THU,
    book_all,
    day_after,
    series_request,
    series_rows,
    three_weeks,
    version_of,
    visits,
)

# --- cancelling -------------------------------------------------------------------------------


def test_cancelling_one_visit_leaves_the_rest_and_needs_a_reason(scheduled: Clinic) -> None:
    booked = book_all(scheduled, three_weeks(scheduled))
    second = booked.appointment_ids[1]
    with pytest.raises(ValidationError):
        series_changes.cancel_series(
            scheduled.db, scheduled.desk, second, 1, SeriesScope.ONE, reason=" "
        )
    with pytest.raises(ValidationError):
        series_changes.cancel_series(
            scheduled.db, scheduled.desk, second, 1, SeriesScope.FOLLOWING, reason=""
        )
    cancelled = series_changes.cancel_series(
        scheduled.db,
        scheduled.desk,
        second,
        1,
        SeriesScope.ONE,
        reason="dentist",
        now=at(day_after(3), 8),
    )
    assert cancelled == (second,)
    assert [status for _, status, _ in visits(scheduled)] == ["scheduled", "cancelled"] + [
        "scheduled"
    ] * 4
    with scheduled.db.session() as session:
        row = session.get(Appointment, second)
        assert row is not None and row.late_cancel and row.cancel_reason == "dentist"


def test_cancelling_this_and_the_following_ends_the_rule_before_them(scheduled: Clinic) -> None:
    booked = book_all(scheduled, three_weeks(scheduled))
    fourth = booked.appointment_ids[3]  # Thursday 17 December
    cancelled = series_changes.cancel_series(
        scheduled.db,
        scheduled.desk,
        fourth,
        1,
        SeriesScope.FOLLOWING,
        reason="Moving away",
        now=at(day_after(8), 9),
    )
    assert cancelled == booked.appointment_ids[3:]
    assert [status for _, status, _ in visits(scheduled)] == ["scheduled"] * 3 + ["cancelled"] * 3
    (series,) = series_rows(scheduled)
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261217T095959"
    assert describe_rule(series.first_start_local, series.rrule).endswith(
        "3 visits from Mon 07 Dec 2026 to Mon 14 Dec 2026"
    )
    with scheduled.db.session() as session:
        late = session.scalars(
            select(Appointment.late_cancel).where(Appointment.id.in_(cancelled))
        ).all()
        summaries = session.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.entity_type == "series", AuditEvent.action == "change"
            )
        ).all()
    assert late == [False, False, False]  # more than 24 hours ahead
    assert summaries == [
        "3 visits cancelled (following): Moving away; now "
        "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261217T095959 from 2026-12-07 10:00 clinic time"
    ]


def test_cancelling_the_whole_series_keeps_the_past_visits(scheduled: Clinic) -> None:
    booked = book_all(scheduled, three_weeks(scheduled))
    first = booked.appointment_ids[0]
    booking.set_status(scheduled.db, scheduled.desk, first, 1, booking.AppointmentStatus.CHECKED_IN)
    now = at(day_after(7), 9)  # an hour before the third visit
    cancelled = series_changes.cancel_series(
        scheduled.db, scheduled.desk, first, 2, SeriesScope.ALL, reason="Discharged", now=now
    )
    assert cancelled == booked.appointment_ids[2:]
    assert [status for _, status, _ in visits(scheduled)] == ["checked_in", "scheduled"] + [
        "cancelled"
    ] * 4
    with scheduled.db.session() as session:
        third = session.get(Appointment, booked.appointment_ids[2])
        assert third is not None and third.late_cancel  # within 24 hours
    (series,) = series_rows(scheduled)
    assert len(local_occurrences(series.first_start_local, series.rrule)) == 2


def test_a_stale_copy_or_a_visit_outside_any_series_is_refused(scheduled: Clinic) -> None:
    booked = book_all(scheduled, three_weeks(scheduled))
    with pytest.raises(StaleRecordError):
        series_changes.cancel_series(
            scheduled.db,
            scheduled.desk,
            booked.appointment_ids[2],
            7,
            SeriesScope.FOLLOWING,
            reason="ill",
        )
    single = booking.book(
        scheduled.db,
        scheduled.desk,
        scheduled.request(at(day_after(1), 10), patient=scheduled.chen),
    )
    with pytest.raises(ConflictError, match="not part of a series"):
        series_changes.cancel_series(
            scheduled.db, scheduled.desk, single, 1, SeriesScope.ALL, reason="ill"
        )
    assert {status for _, status, _ in visits(scheduled)} == {"scheduled"}


# --- changing ---------------------------------------------------------------------------------


def test_changing_this_and_the_following_continues_in_a_new_series(scheduled: Clinic) -> None:
    booked = book_all(scheduled, three_weeks(scheduled))
    third = booked.appointment_ids[2]  # Monday 14 December
    change = SeriesChange(at=time(14), weekdays=(1, 4), therapist_id=scheduled.kim.staff_id)
    result = series_changes.change_series(
        scheduled.db,
        scheduled.desk,
        third,
        1,
        SeriesScope.FOLLOWING,
        change,
        now=at(day_after(6), 9),
    )
    old, new = series_rows(scheduled)
    assert result == series_changes.SeriesChangeResult(new.id, booked.appointment_ids[2:])
    assert old.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261214T095959"
    assert (new.first_start_local, new.rrule) == (
        datetime(2026, 12, 15, 14),
        "FREQ=WEEKLY;BYDAY=TU,FR;COUNT=4",
    )
    assert new.therapist_id == scheduled.kim.staff_id
    assert visits(scheduled) == [
        ("Mon 07 10:00", "scheduled", old.id),
        ("Thu 10 10:00", "scheduled", old.id),
        ("Tue 15 14:00", "scheduled", new.id),
        ("Fri 18 14:00", "scheduled", new.id),
        ("Tue 22 14:00", "scheduled", new.id),
        ("Fri 25 14:00", "scheduled", new.id),
    ]
    with scheduled.db.session() as session:
        therapists = set(
            session.scalars(select(Appointment.therapist_id).where(Appointment.series_id == new.id))
        )
        moves = session.scalar(
            select(func.count()).where(
                AuditEvent.entity_type == "appointment",
                AuditEvent.action == "change",
                AuditEvent.patient_id == scheduled.ortiz,
            )
        )
    assert therapists == {scheduled.kim.staff_id} and moves == 4


def test_changing_a_series_that_has_not_started_changes_it_in_place(scheduled: Clinic) -> None:
    booked = book_all(scheduled, three_weeks(scheduled))
    result = series_changes.change_series(
        scheduled.db,
        scheduled.desk,
        booked.appointment_ids[0],
        1,
        SeriesScope.ALL,
        SeriesChange(at=time(9, 30), minutes=60),
        now=at(MONDAY - timedelta(days=3), 12),
    )
    (series,) = series_rows(scheduled)
    assert result.series_id == series.id == booked.series_id
    assert (series.first_start_local, series.minutes) == (datetime(2026, 12, 7, 9, 30), 60)
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6"
    assert [when for when, _, _ in visits(scheduled)] == [
        "Mon 07 09:30", "Thu 10 09:30", "Mon 14 09:30", "Thu 17 09:30", "Mon 21 09:30",
        "Thu 24 09:30",
    ]  # fmt: skip
    with scheduled.db.session() as session:
        rows = session.scalars(select(Appointment)).all()
        assert {row.ends_at - row.starts_at for row in rows} == {timedelta(minutes=60)}


def test_visits_moving_onto_each_others_old_days_do_not_clash_with_themselves(
    scheduled: Clinic,
) -> None:
    request = series_request(scheduled, WeeklyPattern(MON_THU, time(10), MONDAY, weeks=2))
    booked = book_all(scheduled, request)
    # Thursdays only from the first Monday: Mon 7 → Thu 10, Thu 10 → Thu 17 and so on.
    result = series_changes.change_series(
        scheduled.db,
        scheduled.desk,
        booked.appointment_ids[0],
        1,
        SeriesScope.FOLLOWING,
        SeriesChange(weekdays=(3,)),
        now=at(MONDAY, 7),
    )
    assert result.moved == booked.appointment_ids
    assert [when for when, _, _ in visits(scheduled)] == [
        "Thu 10 10:00", "Thu 17 10:00", "Thu 24 10:00", "Thu 31 10:00",
    ]  # fmt: skip


def test_a_change_that_clashes_changes_nothing_and_the_preview_says_where(
    scheduled: Clinic,
) -> None:
    db, desk = scheduled.db, scheduled.desk
    booked = book_all(scheduled, three_weeks(scheduled))
    booking.book(db, desk, scheduled.request(at(day_after(14), 14), patient=scheduled.chen))
    before = visits(scheduled)
    third = booked.appointment_ids[2]
    change = SeriesChange(at=time(14))
    now = at(day_after(6), 9)
    preview = series_changes.preview_change(
        db, desk, third, 1, SeriesScope.FOLLOWING, change, now=now
    )
    assert [v.bookable for v in preview] == [True, True, False, True]
    assert preview[2].check.clashes == ("Dana Lee already sees W. Chen 14:00–14:45.",)
    assert preview[2].appointment_id == booked.appointment_ids[4]
    with pytest.raises(ConflictError) as caught:
        series_changes.change_series(db, desk, third, 1, SeriesScope.FOLLOWING, change, now=now)
    assert str(caught.value) == (
        "Mon 21 Dec at 10:00 (moving to Mon 21 Dec at 14:00): Dana Lee already sees W. Chen "
        "14:00–14:45. Nothing in the series was changed."
    )
    assert visits(scheduled) == before
    (series,) = series_rows(scheduled)
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261227T235959"


def test_a_change_losing_a_race_is_named_and_changes_nothing(
    scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, desk = scheduled.db, scheduled.desk
    booked = book_all(scheduled, three_weeks(scheduled))
    booking.book(db, desk, scheduled.request(at(day_after(14), 14), patient=scheduled.chen))
    before = visits(scheduled)
    real_examine = booking.examine
    calls = {"n": 0}

    def examine_before_the_other_commit(
        session: Any, req: booking.BookingRequest, *, exclude_id: int | None = None
    ) -> tuple[BookingCheck, Any, Any]:
        # The first pass, up to the third move that the database refuses, runs before the
        # other workstation's visit is visible to the checks.
        calls["n"] += 1
        check, patient, therapist = real_examine(session, req, exclude_id=exclude_id)
        return (BookingCheck() if calls["n"] <= 3 else check), patient, therapist

    monkeypatch.setattr(booking, "examine", examine_before_the_other_commit)
    with pytest.raises(ConflictError) as caught:
        series_changes.change_series(
            db,
            desk,
            booked.appointment_ids[2],
            1,
            SeriesScope.FOLLOWING,
            SeriesChange(at=time(14)),
            now=at(day_after(6), 9),
        )
    assert str(caught.value) == (
        "Mon 21 Dec at 10:00 (moving to Mon 21 Dec at 14:00): Dana Lee already sees W. Chen "
        "14:00–14:45. Nothing in the series was changed."
    )
    assert visits(scheduled) == before and len(series_rows(scheduled)) == 1


def test_changing_one_visit_moves_only_that_visit(scheduled: Clinic) -> None:
    booked = book_all(scheduled, three_weeks(scheduled))
    second = booked.appointment_ids[1]
    with pytest.raises(ValidationError):
        series_changes.change_series(
            scheduled.db, scheduled.desk, second, 1, SeriesScope.ONE, SeriesChange(weekdays=(2,))
        )
    with pytest.raises(ValidationError):
        series_changes.change_series(
            scheduled.db, scheduled.desk, second, 1, SeriesScope.ONE, SeriesChange()
        )
    result = series_changes.change_series(
        scheduled.db, scheduled.desk, second, 1, SeriesScope.ONE, SeriesChange(at=time(11, 15))
    )
    assert result == series_changes.SeriesChangeResult(booked.series_id, (second,))
    assert [when for when, _, _ in visits(scheduled)][:3] == [
        "Mon 07 10:00", "Thu 10 11:15", "Mon 14 10:00",
    ]  # fmt: skip
    assert version_of(scheduled, second) == 2


def test_the_visits_a_scope_touches_are_listed_without_writing(scheduled: Clinic) -> None:
    booked = book_all(scheduled, three_weeks(scheduled))
    ids = booked.appointment_ids
    before = visits(scheduled)
    listed = series_changes.series_visits(
        scheduled.db, scheduled.desk, ids[2], SeriesScope.FOLLOWING, now=at(MONDAY, 9)
    )
    assert [i for i, _start in listed] == list(ids[2:])
    everything = series_changes.series_visits(
        scheduled.db, scheduled.desk, ids[2], SeriesScope.ALL, now=at(day_after(4), 9)
    )
    assert [i for i, _start in everything] == list(ids[2:])  # from now on: 10 Dec has passed
    one = series_changes.series_visits(scheduled.db, scheduled.desk, ids[0], SeriesScope.ONE)
    assert one == [(ids[0], at(MONDAY, 10))]
    assert visits(scheduled) == before
