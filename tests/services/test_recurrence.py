"""Recurring visits: the RRULE, the preview, booking all or nothing, and changing or cancelling
one, this and the following, or all future visits of a series, on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from ptclinic.models import (
    Appointment,
    AppointmentSeries,
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
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.recurrence import (
    Pick,
    SeriesChange,
    SeriesRequest,
    SeriesScope,
    WeeklyPattern,
    build_rule,
    describe_rule,
    local_occurrences,
)
from tests.services.conftest import CHICAGO, MONDAY, Clinic, at

MON_THU = (0, 3)


def _days(n: int) -> date:
    return MONDAY + timedelta(days=n)


def _series(clinic: Clinic, pattern: WeeklyPattern, **kwargs: Any) -> SeriesRequest:
    kwargs.setdefault("patient_id", clinic.ortiz)
    kwargs.setdefault("therapist_id", clinic.lee.staff_id)
    kwargs.setdefault("visit_type", "follow_up")
    return SeriesRequest(pattern=pattern, **kwargs)


def _three_weeks(clinic: Clinic, **kwargs: Any) -> SeriesRequest:
    """Mondays and Thursdays at 10:00 for 3 weeks: 7, 10, 14, 17, 21 and 24 December."""
    return _series(clinic, WeeklyPattern(MON_THU, time(10), MONDAY, weeks=3), **kwargs)


def _book_all(clinic: Clinic, request: SeriesRequest) -> recurrence.BookedSeries:
    preview = recurrence.preview_series(clinic.db, clinic.desk, request)
    picks = [Pick(visit.original_start) for visit in preview.visits]
    return recurrence.book_series(clinic.db, clinic.desk, request, picks)


def _visits(clinic: Clinic) -> list[tuple[str, str, int | None]]:
    """("Mon 07 10:00", status, series id) of every appointment, in clinic time."""
    with clinic.db.session() as session:
        rows = session.scalars(select(Appointment).order_by(Appointment.starts_at))
        return [
            (f"{a.starts_at.astimezone(CHICAGO):%a %d %H:%M}", a.status, a.series_id) for a in rows
        ]


def _series_rows(clinic: Clinic) -> list[AppointmentSeries]:
    with clinic.db.session() as session:
        return list(session.scalars(select(AppointmentSeries).order_by(AppointmentSeries.id)))


def _version(clinic: Clinic, appointment_id: int) -> int:
    with clinic.db.session() as session:
        row = session.get(Appointment, appointment_id)
        assert row is not None
        return row.version


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
    first, rule = build_rule(WeeklyPattern(MON_THU, time(10), _days(2), weeks=6))
    assert first == datetime(2026, 12, 10, 10) and len(local_occurrences(first, rule)) == 12
    assert build_rule(WeeklyPattern((3, 0), time(8, 30), MONDAY, count=5))[1] == (
        "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5"
    )
    first, rule = build_rule(WeeklyPattern((2,), time(9), MONDAY, until=_days(30), every_weeks=2))
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
    assert fields(WeeklyPattern(MON_THU, time(10), MONDAY, until=_days(-1))) == {"until"}
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
    preview = recurrence.preview_series(scheduled.db, scheduled.desk, _series(scheduled, pattern))
    assert [v.starts_at for v in preview.visits] == [
        datetime(2027, 3, 1, 16, tzinfo=UTC),
        datetime(2027, 3, 8, 16, tzinfo=UTC),
        datetime(2027, 3, 15, 15, tzinfo=UTC),
    ]
    assert {f"{v.starts_at.astimezone(CHICAGO):%H:%M}" for v in preview.visits} == {"10:00"}
    assert all(v.ends_at - v.starts_at == timedelta(minutes=45) for v in preview.visits)


def test_the_preview_flags_clashes_and_closed_days_and_writes_nothing(scheduled: Clinic) -> None:
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(_days(3), 10), patient=scheduled.chen)
    )
    with scheduled.db.session() as session:
        session.add(ClosedDay(day=_days(17), reason="Christmas Eve"))
    preview = recurrence.preview_series(scheduled.db, scheduled.desk, _three_weeks(scheduled))
    assert preview.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261227T235959"
    assert preview.description.startswith("Mondays and Thursdays at 10:00, 6 visits")
    assert [v.bookable for v in preview.visits] == [True, False, True, True, True, False]
    assert preview.visits[1].check.clashes == ("Dana Lee already sees W. Chen 10:00–10:45.",)
    assert preview.visits[5].check.outside_hours == (
        "The clinic is closed on Thursday 24 December (Christmas Eve)."
    )
    assert len(_visits(scheduled)) == 1 and _series_rows(scheduled) == []


def test_the_preview_counts_authorised_visits_across_the_series(scheduled: Clinic) -> None:
    with scheduled.db.session() as session:
        episode = EpisodeOfCare(
            patient_id=scheduled.ortiz, start_date=MONDAY, authorized_visits=4, title="SI joint"
        )
        session.add(episode)
        session.flush()
        episode_id = episode.id
    preview = recurrence.preview_series(
        scheduled.db, scheduled.desk, _three_weeks(scheduled, episode_id=episode_id)
    )
    over = [
        any("only 4 are authorised" in w for w in visit.check.warnings) for visit in preview.visits
    ]
    assert over == [False, False, False, False, True, True]
    assert "visit 6 of the episode" in " ".join(preview.visits[5].check.warnings)
    assert _visits(scheduled) == []


def test_booking_a_series_books_the_free_visits_and_the_chosen_alternatives(
    scheduled: Clinic,
) -> None:
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(_days(3), 10), patient=scheduled.chen)
    )
    request = _three_weeks(scheduled, room_id=scheduled.room1)
    preview = recurrence.preview_series(scheduled.db, scheduled.desk, request)
    picks = [Pick(v.original_start) for v in preview.visits if v.bookable]
    picks.append(Pick(preview.visits[1].original_start, starts_at=at(_days(3), 11)))
    picks.remove(Pick(preview.visits[4].original_start))  # the patient is away that Monday
    booked = recurrence.book_series(scheduled.db, scheduled.desk, request, picks)

    series_id = booked.series_id
    assert _visits(scheduled) == [
        ("Mon 07 10:00", "scheduled", series_id),
        ("Thu 10 10:00", "scheduled", None),  # Chen's visit
        ("Thu 10 11:00", "scheduled", series_id),
        ("Mon 14 10:00", "scheduled", series_id),
        ("Thu 17 10:00", "scheduled", series_id),
        ("Thu 24 10:00", "scheduled", series_id),
    ]
    (series,) = _series_rows(scheduled)
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
    booking.book(db, desk, scheduled.request(at(_days(3), 10), patient=scheduled.chen))
    request = _three_weeks(scheduled)
    preview = recurrence.preview_series(db, desk, request)
    everything = [Pick(v.original_start) for v in preview.visits]
    with pytest.raises(ConflictError) as caught:
        recurrence.book_series(db, desk, request, everything)
    assert str(caught.value) == (
        "Thu 10 Dec at 10:00: Dana Lee already sees W. Chen 10:00–10:45. "
        "Nothing in the series was booked."
    )
    assert len(_visits(scheduled)) == 1 and _series_rows(scheduled) == []

    # A Sunday alternative is outside opening hours: only an administrator may allow it.
    picks = [Pick(v.original_start) for v in preview.visits if v.bookable]
    picks.append(Pick(preview.visits[1].original_start, starts_at=at(_days(6), 10)))
    with pytest.raises(ConflictError, match="Sun 13 Dec at 10:00: The clinic is not open"):
        recurrence.book_series(db, desk, request, picks)
    assert _series_rows(scheduled) == []
    booked = recurrence.book_series(db, desk, request, picks, override_by=scheduled.admin)
    assert len(booked.appointment_ids) == 6


def test_picks_must_name_the_series_own_dates(scheduled: Clinic) -> None:
    request = _three_weeks(scheduled)

    def refused(picks: list[Pick]) -> None:
        with pytest.raises(ValidationError):
            recurrence.book_series(scheduled.db, scheduled.desk, request, picks)

    refused([])
    refused([Pick(at(_days(1), 10))])  # a Tuesday: not in the series
    refused([Pick(at(MONDAY, 10)), Pick(at(MONDAY, 10), starts_at=at(MONDAY, 11))])
    assert _series_rows(scheduled) == []


def test_a_slot_taken_by_another_workstation_meanwhile_is_named_and_nothing_is_written(
    scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, desk = scheduled.db, scheduled.desk
    request = _three_weeks(scheduled)
    preview = recurrence.preview_series(db, desk, request)
    booking.book(db, desk, scheduled.request(at(_days(7), 10), patient=scheduled.chen))
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
    assert _visits(scheduled) == [("Mon 14 10:00", "scheduled", None)]
    assert _series_rows(scheduled) == []


def test_series_work_needs_the_schedule_permission(scheduled: Clinic, make_staff) -> None:  # type: ignore[no-untyped-def]
    student = make_staff("student", Role.STUDENT)
    with pytest.raises(PermissionDenied):
        recurrence.preview_series(scheduled.db, student, _three_weeks(scheduled))
    with pytest.raises(PermissionDenied):
        recurrence.book_series(scheduled.db, student, _three_weeks(scheduled), [])


# --- cancelling -------------------------------------------------------------------------------


def test_cancelling_one_visit_leaves_the_rest_and_needs_a_reason(scheduled: Clinic) -> None:
    booked = _book_all(scheduled, _three_weeks(scheduled))
    second = booked.appointment_ids[1]
    with pytest.raises(ValidationError):
        recurrence.cancel_series(
            scheduled.db, scheduled.desk, second, 1, SeriesScope.ONE, reason=" "
        )
    with pytest.raises(ValidationError):
        recurrence.cancel_series(
            scheduled.db, scheduled.desk, second, 1, SeriesScope.FOLLOWING, reason=""
        )
    cancelled = recurrence.cancel_series(
        scheduled.db,
        scheduled.desk,
        second,
        1,
        SeriesScope.ONE,
        reason="dentist",
        now=at(_days(3), 8),
    )
    assert cancelled == (second,)
    assert [status for _, status, _ in _visits(scheduled)] == ["scheduled", "cancelled"] + [
        "scheduled"
    ] * 4
    with scheduled.db.session() as session:
        row = session.get(Appointment, second)
        assert row is not None and row.late_cancel and row.cancel_reason == "dentist"


def test_cancelling_this_and_the_following_ends_the_rule_before_them(scheduled: Clinic) -> None:
    booked = _book_all(scheduled, _three_weeks(scheduled))
    fourth = booked.appointment_ids[3]  # Thursday 17 December
    cancelled = recurrence.cancel_series(
        scheduled.db,
        scheduled.desk,
        fourth,
        1,
        SeriesScope.FOLLOWING,
        reason="Moving away",
        now=at(_days(8), 9),
    )
    assert cancelled == booked.appointment_ids[3:]
    assert [status for _, status, _ in _visits(scheduled)] == ["scheduled"] * 3 + ["cancelled"] * 3
    (series,) = _series_rows(scheduled)
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
    booked = _book_all(scheduled, _three_weeks(scheduled))
    first = booked.appointment_ids[0]
    booking.set_status(scheduled.db, scheduled.desk, first, 1, booking.AppointmentStatus.CHECKED_IN)
    now = at(_days(7), 9)  # an hour before the third visit
    cancelled = recurrence.cancel_series(
        scheduled.db, scheduled.desk, first, 2, SeriesScope.ALL, reason="Discharged", now=now
    )
    assert cancelled == booked.appointment_ids[2:]
    assert [status for _, status, _ in _visits(scheduled)] == ["checked_in", "scheduled"] + [
        "cancelled"
    ] * 4
    with scheduled.db.session() as session:
        third = session.get(Appointment, booked.appointment_ids[2])
        assert third is not None and third.late_cancel  # within 24 hours
    (series,) = _series_rows(scheduled)
    assert len(local_occurrences(series.first_start_local, series.rrule)) == 2


def test_a_stale_copy_or_a_visit_outside_any_series_is_refused(scheduled: Clinic) -> None:
    booked = _book_all(scheduled, _three_weeks(scheduled))
    with pytest.raises(StaleRecordError):
        recurrence.cancel_series(
            scheduled.db,
            scheduled.desk,
            booked.appointment_ids[2],
            7,
            SeriesScope.FOLLOWING,
            reason="ill",
        )
    single = booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(_days(1), 10), patient=scheduled.chen)
    )
    with pytest.raises(ConflictError, match="not part of a series"):
        recurrence.cancel_series(
            scheduled.db, scheduled.desk, single, 1, SeriesScope.ALL, reason="ill"
        )
    assert {status for _, status, _ in _visits(scheduled)} == {"scheduled"}


# --- changing ---------------------------------------------------------------------------------


def test_changing_this_and_the_following_continues_in_a_new_series(scheduled: Clinic) -> None:
    booked = _book_all(scheduled, _three_weeks(scheduled))
    third = booked.appointment_ids[2]  # Monday 14 December
    change = SeriesChange(at=time(14), weekdays=(1, 4), therapist_id=scheduled.kim.staff_id)
    result = recurrence.change_series(
        scheduled.db, scheduled.desk, third, 1, SeriesScope.FOLLOWING, change, now=at(_days(6), 9)
    )
    old, new = _series_rows(scheduled)
    assert result == recurrence.SeriesChangeResult(new.id, booked.appointment_ids[2:])
    assert old.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261214T095959"
    assert (new.first_start_local, new.rrule) == (
        datetime(2026, 12, 15, 14),
        "FREQ=WEEKLY;BYDAY=TU,FR;COUNT=4",
    )
    assert new.therapist_id == scheduled.kim.staff_id
    assert _visits(scheduled) == [
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
    booked = _book_all(scheduled, _three_weeks(scheduled))
    result = recurrence.change_series(
        scheduled.db,
        scheduled.desk,
        booked.appointment_ids[0],
        1,
        SeriesScope.ALL,
        SeriesChange(at=time(9, 30), minutes=60),
        now=at(MONDAY - timedelta(days=3), 12),
    )
    (series,) = _series_rows(scheduled)
    assert result.series_id == series.id == booked.series_id
    assert (series.first_start_local, series.minutes) == (datetime(2026, 12, 7, 9, 30), 60)
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6"
    assert [when for when, _, _ in _visits(scheduled)] == [
        "Mon 07 09:30", "Thu 10 09:30", "Mon 14 09:30", "Thu 17 09:30", "Mon 21 09:30",
        "Thu 24 09:30",
    ]  # fmt: skip
    with scheduled.db.session() as session:
        rows = session.scalars(select(Appointment)).all()
        assert {row.ends_at - row.starts_at for row in rows} == {timedelta(minutes=60)}


def test_visits_moving_onto_each_others_old_days_do_not_clash_with_themselves(
    scheduled: Clinic,
) -> None:
    request = _series(scheduled, WeeklyPattern(MON_THU, time(10), MONDAY, weeks=2))
    booked = _book_all(scheduled, request)
    # Thursdays only from the first Monday: Mon 7 → Thu 10, Thu 10 → Thu 17 and so on.
    result = recurrence.change_series(
        scheduled.db,
        scheduled.desk,
        booked.appointment_ids[0],
        1,
        SeriesScope.FOLLOWING,
        SeriesChange(weekdays=(3,)),
        now=at(MONDAY, 7),
    )
    assert result.moved == booked.appointment_ids
    assert [when for when, _, _ in _visits(scheduled)] == [
        "Thu 10 10:00", "Thu 17 10:00", "Thu 24 10:00", "Thu 31 10:00",
    ]  # fmt: skip


def test_a_change_that_clashes_changes_nothing_and_the_preview_says_where(
    scheduled: Clinic,
) -> None:
    db, desk = scheduled.db, scheduled.desk
    booked = _book_all(scheduled, _three_weeks(scheduled))
    booking.book(db, desk, scheduled.request(at(_days(14), 14), patient=scheduled.chen))
    before = _visits(scheduled)
    third = booked.appointment_ids[2]
    change = SeriesChange(at=time(14))
    now = at(_days(6), 9)
    preview = recurrence.preview_change(db, desk, third, 1, SeriesScope.FOLLOWING, change, now=now)
    assert [v.bookable for v in preview] == [True, True, False, True]
    assert preview[2].check.clashes == ("Dana Lee already sees W. Chen 14:00–14:45.",)
    assert preview[2].appointment_id == booked.appointment_ids[4]
    with pytest.raises(ConflictError) as caught:
        recurrence.change_series(db, desk, third, 1, SeriesScope.FOLLOWING, change, now=now)
    assert str(caught.value) == (
        "Mon 21 Dec at 10:00 (moving to Mon 21 Dec at 14:00): Dana Lee already sees W. Chen "
        "14:00–14:45. Nothing in the series was changed."
    )
    assert _visits(scheduled) == before
    (series,) = _series_rows(scheduled)
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261227T235959"


def test_a_change_losing_a_race_is_named_and_changes_nothing(
    scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, desk = scheduled.db, scheduled.desk
    booked = _book_all(scheduled, _three_weeks(scheduled))
    booking.book(db, desk, scheduled.request(at(_days(14), 14), patient=scheduled.chen))
    before = _visits(scheduled)
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
        recurrence.change_series(
            db,
            desk,
            booked.appointment_ids[2],
            1,
            SeriesScope.FOLLOWING,
            SeriesChange(at=time(14)),
            now=at(_days(6), 9),
        )
    assert str(caught.value) == (
        "Mon 21 Dec at 10:00 (moving to Mon 21 Dec at 14:00): Dana Lee already sees W. Chen "
        "14:00–14:45. Nothing in the series was changed."
    )
    assert _visits(scheduled) == before and len(_series_rows(scheduled)) == 1


def test_changing_one_visit_moves_only_that_visit(scheduled: Clinic) -> None:
    booked = _book_all(scheduled, _three_weeks(scheduled))
    second = booked.appointment_ids[1]
    with pytest.raises(ValidationError):
        recurrence.change_series(
            scheduled.db, scheduled.desk, second, 1, SeriesScope.ONE, SeriesChange(weekdays=(2,))
        )
    with pytest.raises(ValidationError):
        recurrence.change_series(
            scheduled.db, scheduled.desk, second, 1, SeriesScope.ONE, SeriesChange()
        )
    result = recurrence.change_series(
        scheduled.db, scheduled.desk, second, 1, SeriesScope.ONE, SeriesChange(at=time(11, 15))
    )
    assert result == recurrence.SeriesChangeResult(booked.series_id, (second,))
    assert [when for when, _, _ in _visits(scheduled)][:3] == [
        "Mon 07 10:00", "Thu 10 11:15", "Mon 14 10:00",
    ]  # fmt: skip
    assert _version(scheduled, second) == 2
