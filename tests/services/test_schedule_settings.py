"""Scheduling settings: visit types, opening and working hours, time off and closed days."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from ptclinic.services import booking, calendar, schedule_settings
from ptclinic.services.errors import PermissionDenied, ValidationError
from ptclinic.services.schedule_settings import HoursBlock, VisitTypeInput
from tests.services.conftest import MONDAY, Clinic, at


def test_visit_type_lengths_and_names_are_configurable(scheduled: Clinic) -> None:
    db, admin = scheduled.db, scheduled.admin
    schedule_settings.update_visit_type(
        db, admin, "follow_up", VisitTypeInput("Treatment visit", 30, "#A0C0E0")
    )
    follow_up = {v.code: v for v in calendar.visit_types(db)}["follow_up"]
    assert (follow_up.label, follow_up.default_minutes, follow_up.colour) == (
        "Treatment visit",
        30,
        "#a0c0e0",
    )
    with pytest.raises(ValidationError) as caught:
        schedule_settings.update_visit_type(db, admin, "follow_up", VisitTypeInput("", 7, "blue"))
    assert set(caught.value.field_errors) == {"label", "default_minutes", "colour"}
    with pytest.raises(ValidationError, match="already called “Re-evaluation”"):
        schedule_settings.update_visit_type(
            db, admin, "follow_up", VisitTypeInput("Re-evaluation", 30, "#ffffff")
        )
    schedule_settings.update_visit_type(
        db, admin, "discharge", VisitTypeInput("Discharge visit", 45, "#f3d6da", active=False)
    )
    assert "discharge" not in {v.code for v in calendar.visit_types(db)}
    with pytest.raises(PermissionDenied):
        schedule_settings.update_visit_type(
            db, scheduled.desk, "follow_up", VisitTypeInput("X", 30, "#ffffff")
        )


def test_opening_hours_change_what_can_be_booked(scheduled: Clinic) -> None:
    db, admin = scheduled.db, scheduled.admin
    week = {day: (time(8), time(17)) for day in range(5)} | {5: None, 6: None}
    schedule_settings.set_opening_hours(db, admin, week)
    assert schedule_settings.opening_hours(db)[0] == (time(8), time(17))
    early = scheduled.request(at(MONDAY, 7, 30))
    assert "open 08:00–17:00" in str(booking.check_booking(db, scheduled.desk, early).outside_hours)
    with pytest.raises(ValidationError, match="must end after it starts"):
        schedule_settings.set_opening_hours(db, admin, {0: (time(17), time(8))})
    assert schedule_settings.opening_hours(db)[0] == (time(8), time(17))  # unchanged


def test_working_hours_are_whole_weeks_without_overlapping_shifts(scheduled: Clinic) -> None:
    db, admin, lee = scheduled.db, scheduled.admin, scheduled.lee.staff_id
    split = [HoursBlock(0, time(8), time(12)), HoursBlock(0, time(13), time(17))]
    schedule_settings.set_working_hours(db, admin, lee, split)
    assert schedule_settings.working_hours(db, lee) == split
    lunch = scheduled.request(at(MONDAY, 12, 15))
    assert "does not work at that time" in str(
        booking.check_booking(db, scheduled.desk, lunch).outside_hours
    )
    with pytest.raises(ValidationError, match="overlap"):
        schedule_settings.set_working_hours(
            db, admin, lee, [HoursBlock(1, time(8), time(12)), HoursBlock(1, time(11), time(15))]
        )
    schedule_settings.set_working_hours(db, admin, lee, [])  # back to the clinic's hours
    assert booking.check_booking(db, scheduled.desk, lunch).outside_hours is None


def test_time_off_and_closed_days_say_how_many_visits_they_displace(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    booking.book(db, desk, scheduled.request(at(MONDAY, 11), therapist=scheduled.kim))
    away = schedule_settings.add_time_off(
        db, desk, scheduled.lee.staff_id, at(MONDAY, 9), at(MONDAY, 13), "course"
    )
    assert away.count == 1
    [entry] = schedule_settings.list_time_off(db, desk, since=at(MONDAY, 0))
    assert (entry.staff_name, entry.reason) == ("Dana Lee", "course")
    closed = schedule_settings.add_closed_day(db, scheduled.admin, MONDAY, "Flood")
    assert closed.count == 2
    assert schedule_settings.closed_days(db, MONDAY, MONDAY + timedelta(days=1)) == [
        (MONDAY, "Flood")
    ]
    with pytest.raises(PermissionDenied):
        schedule_settings.add_closed_day(db, desk, MONDAY, "front desk may not")
    schedule_settings.remove_closed_day(db, scheduled.admin, MONDAY)
    schedule_settings.remove_time_off(db, desk, entry.id)
    assert schedule_settings.list_time_off(db, desk, since=at(MONDAY, 0)) == []
    with pytest.raises(ValidationError):
        schedule_settings.add_time_off(
            db, desk, scheduled.lee.staff_id, at(MONDAY, 13), at(MONDAY, 9)
        )
