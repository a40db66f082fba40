"""Where visits sit on the grid: columns, lanes, shading and the hours shown (no window needed)."""

from __future__ import annotations

import time as clock
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ptclinic.services.availability import Interval
from ptclinic.services.calendar import AppointmentView, CalendarSpan, Clinician, RoomInfo
from ptclinic.ui.schedule import layout
from ptclinic.ui.schedule.appearance import detail_text, status_mark, summary_text, tooltip_html
from ptclinic.ui.schedule.layout import Arrangement

ZONE = ZoneInfo("America/Chicago")
DAY = date(2026, 12, 7)  # a Monday


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def visit(
    number: int,
    therapist: int,
    start: datetime,
    minutes: int = 45,
    *,
    status: str = "scheduled",
    room: int | None = 1,
) -> AppointmentView:
    return AppointmentView(
        id=number,
        version=1,
        patient_id=100 + number,
        patient_name=f"Ortiz{number}, Maria",
        patient_short=f"M. Ortiz{number}",
        patient_phone="(555) 201-3344",
        chart_number=f"{number:06d}",
        therapist_id=therapist,
        therapist_name=f"Therapist {therapist}",
        room_id=room,
        room_name=f"Room {room}" if room else "",
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        visit_type="follow_up",
        visit_label="Follow-up",
        colour="#d7efd9",
        status=status,
        late_cancel=False,
        cancel_reason="",
        note="",
        series_id=None,
        episode_id=7,
        visit_number=7,
        authorized_visits=12,
    )


def span(
    visits: list[AppointmentView],
    staff: list[int],
    *,
    days: list[date] | None = None,
    closed: dict[date, str] | None = None,
) -> CalendarSpan:
    days = days or [DAY]
    opening = {d: Interval(at(7, day=d), at(19, day=d)) for d in days if d.weekday() < 5}
    for d in closed or {}:
        opening.pop(d, None)
    return CalendarSpan(
        zone=ZONE,
        first_day=days[0],
        last_day=days[-1],
        appointments=visits,
        bookable={(s, d): [opening[d]] for s in staff for d in days if d in opening},
        opening={d: opening.get(d) for d in days},
        closed_reasons=closed or {},
        earliest=time(7),
        latest=time(19),
    )


def people(count: int) -> list[Clinician]:
    return [Clinician(n, f"t{n}", f"Therapist {n:02d}", "PT") for n in range(1, count + 1)]


def test_day_columns_are_the_booked_therapists_and_the_others_are_named() -> None:
    staff = people(3)
    data = span([visit(1, 1, at(9)), visit(2, 2, at(10))], [1, 2])  # 3 is not working
    columns, free, off = layout.therapist_columns(data, DAY, staff, show_everyone=False)
    assert [c.title for c in columns] == ["Therapist 01", "Therapist 02"]
    assert columns[0].subtitle == "1 visit · PT"
    assert columns[0].bookable == ((7 * 60, 19 * 60),)
    assert (free, off) == ([], ["Therapist 03"])
    everyone, _free, _off = layout.therapist_columns(data, DAY, staff, show_everyone=True)
    assert everyone[2].subtitle == "Not working · PT" and everyone[2].bookable == ()


def test_a_day_nobody_is_booked_yet_shows_everyone_who_works() -> None:
    columns, free, off = layout.therapist_columns(
        span([], [1, 2]), DAY, people(3), show_everyone=False
    )
    assert [c.therapist_id for c in columns] == [1, 2]
    assert (free, off) == ([], ["Therapist 03"])


def test_a_closed_day_says_why_and_names_nobody_as_absent() -> None:
    data = span([], [1], closed={DAY: "Staff training"})
    columns, free, off = layout.therapist_columns(data, DAY, people(2), show_everyone=False)
    assert (columns, free, off) == ([], [], [])
    assert layout.closed_words(data, DAY) == "The clinic is closed on Mon Dec 7 (Staff training)."
    sunday = DAY + timedelta(days=6)
    assert layout.closed_words(span([], [1], days=[sunday]), sunday) == (
        "The clinic is not open on Sundays."
    )


def test_visits_of_someone_off_the_staff_list_keep_a_column() -> None:
    columns, _free, _off = layout.therapist_columns(
        span([visit(1, 99, at(9))], [1]), DAY, people(1), show_everyone=False
    )
    assert [(c.title, c.subtitle) for c in columns] == [("Therapist 99", "Not on the staff list")]


def test_a_cancelled_visit_booked_again_is_tucked_and_overlapping_visits_share_lanes() -> None:
    cancelled = visit(1, 1, at(10), status="cancelled")
    rebooked = visit(2, 1, at(10))
    later = visit(3, 1, at(11))
    gym_one, gym_two = visit(4, 1, at(13)), visit(5, 1, at(13, 15))
    freed = visit(6, 1, at(15), status="cancelled")  # nobody took its time: a full block
    data = span([cancelled, rebooked, later, gym_one, gym_two, freed], [1])
    columns, _f, _o = layout.therapist_columns(data, DAY, people(1), show_everyone=False)
    grid = layout.place(data, columns)
    lanes = {p.view.id: (p.lane, p.lanes, p.tucked) for p in grid.placed}
    assert lanes == {
        2: (0, 1, False),  # the rebooked visit keeps the whole column
        1: (0, 1, True),  # the cancellation under it is a tab at the edge
        3: (0, 1, False),
        4: (0, 2, False),
        5: (1, 2, False),
        6: (0, 1, False),
    }
    top = {p.view.id: (p.top, p.bottom) for p in grid.placed}
    assert top[3] == (11 * 60, 11 * 60 + 45)


def test_the_grid_widens_to_whole_hours_around_a_visit_outside_opening_hours() -> None:
    data = span([visit(1, 1, at(6, 30)), visit(2, 1, at(19, 15), 30)], [1])
    columns, _f, _o = layout.therapist_columns(data, DAY, people(1), show_everyone=False)
    grid = layout.place(data, columns)
    assert (grid.first_minute, grid.last_minute) == (6 * 60, 20 * 60)
    assert grid.rows == 56


def test_room_columns_include_no_room_and_shared_rooms_say_so() -> None:
    rooms = [RoomInfo(1, "Treatment 1", 1), RoomInfo(2, "Gym", 4)]
    data = span([visit(1, 1, at(9), room=2), visit(2, 2, at(9), room=None)], [1, 2])
    columns = layout.room_columns(data, DAY, rooms)
    assert [(c.title, c.subtitle) for c in columns] == [
        ("Treatment 1", "no visits"),
        ("Gym", "4 at once · 1 visit"),
        ("No room", "1 visit"),
    ]
    grid = layout.place(data, columns)
    assert {p.view.id: p.column for p in grid.placed} == {1: 1, 2: 2}


def test_week_columns_leave_out_days_the_clinic_never_opens() -> None:
    days = layout.week_of(DAY + timedelta(days=2))
    assert days[0] == DAY and len(days) == 7
    holiday = DAY + timedelta(days=3)
    data = span([visit(1, 1, at(9, day=DAY + timedelta(days=1)))], [1], days=days)
    data = replace(data, closed_reasons={holiday: "Thanksgiving Day"})
    columns = layout.week_columns(data, 1, days)
    assert [c.title for c in columns] == [
        "Mon Dec 7",
        "Tue Dec 8",
        "Wed Dec 9",
        "Thu Dec 10",
        "Fri Dec 11",
    ]
    assert columns[1].subtitle == "1 visit"
    assert columns[3].closed_reason == "Closed: Thanksgiving Day"
    grid = layout.place(data, columns, week=True)
    assert grid.week and grid.placed[0].column == 1


def test_status_is_a_sign_and_a_word_never_colour_alone() -> None:
    base = visit(1, 1, at(9))
    assert status_mark(base) == ("", "")
    assert status_mark(replace(base, status="checked_in")) == ("✓", "✓ In")
    assert status_mark(replace(base, status="completed")) == ("✔", "✔ Done")
    assert status_mark(replace(base, status="no_show")) == ("⚠", "⚠ No-show")
    late = replace(base, status="cancelled", late_cancel=True, cancel_reason="flu")
    assert status_mark(late) == ("✗", "✗ Late cancel")
    text = tooltip_html(late, ZONE)
    assert "Ortiz1, Maria" in text and "(555) 201-3344" in text
    assert "visit 7 of 12 authorized" in text and "Cancelled late: flu" in text
    line = detail_text(base, ZONE)
    assert "Mon Dec 7 09:00–09:45" in line and "Chart # 000001" in line


def test_the_summary_counts_what_matters_in_one_line() -> None:
    views = [
        visit(1, 1, at(8), status="completed"),
        visit(2, 1, at(9), status="checked_in"),
        visit(3, 2, at(9), status="cancelled"),
        visit(4, 2, at(10)),
    ]
    data = span(views, [1, 2, 3])
    columns, free, off = layout.therapist_columns(data, DAY, people(4), show_everyone=False)
    grid = layout.place(data, columns, free=free, off=off)
    assert summary_text(grid) == (
        "3 visits   ·   ✓ 1 checked in   ·   ✔ 1 done   ·   ✗ 1 cancelled   ·   "
        "1 more free all day   ·   1 not working"
    )
    # A closed day says so, unless visits were booked before it closed: those come first.
    assert summary_text(layout.place(data, []), "Closed.") == "Closed."
    assert summary_text(grid, "Closed.").startswith("3 visits")


def test_a_busy_day_lays_out_in_a_few_milliseconds() -> None:
    """20 therapists and 150 visits; the grid only turns these numbers into pixels."""
    staff = people(20)
    views = [
        visit(n, 1 + n % 20, at(7 + (n // 20) * 1, 15 * (n % 3)), 45 if n % 4 else 60)
        for n in range(150)
    ]
    data = span(views, [p.id for p in staff])
    started = clock.perf_counter()
    for _ in range(10):
        columns, free, off = layout.therapist_columns(data, DAY, staff, show_everyone=False)
        grid = layout.place(data, columns, free=free, off=off)
    per_layout = (clock.perf_counter() - started) / 10
    assert len(grid.columns) == 20 and len(grid.placed) == 150
    assert per_layout < 0.02, f"layout took {per_layout * 1000:.1f} ms"
    assert Arrangement.THERAPISTS.value == "therapists"
