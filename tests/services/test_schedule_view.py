"""The calendar screens' small reads: open episodes, and the status mirror checked against the
booking service itself (so a menu never offers what the service would refuse, nor hides what it
allows)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ptclinic.models import Appointment, EpisodeOfCare
from ptclinic.services import booking, schedule_view
from ptclinic.services.errors import DomainError, PermissionDenied
from ptclinic.services.schedule_view import AppointmentStatus
from tests.services.conftest import MONDAY, Clinic, at

S = AppointmentStatus


def _visit_in(scheduled: Clinic, status: AppointmentStatus, hour: int) -> tuple[int, int]:
    """A past visit (so a no-show is possible) put straight into ``status``; (id, version)."""
    visit = booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, hour)))
    with scheduled.db.session() as session:
        row = session.get(Appointment, visit)
        assert row is not None
        row.status = status.value
        session.flush()
        return visit, row.version


@pytest.mark.parametrize("current", list(S))
def test_status_changes_mirror_what_set_status_accepts(
    scheduled: Clinic, current: AppointmentStatus
) -> None:
    offered = schedule_view.status_changes(current.value)
    after = at(MONDAY, 20)
    for hour, wanted in enumerate(S, start=8):
        visit, version = _visit_in(scheduled, current, hour)
        try:
            booking.set_status(
                scheduled.db, scheduled.desk, visit, version, wanted, reason="ill", now=after
            )
            accepted = True
        except DomainError:
            accepted = False
        assert accepted == (wanted in offered), (current, wanted)


def test_a_visit_still_to_come_is_not_offered_as_a_no_show(scheduled: Clinic) -> None:
    visit = booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    before = at(MONDAY, 9, 59)
    offered = schedule_view.status_changes("scheduled", starts_at=at(MONDAY, 10), now=before)
    assert S.NO_SHOW not in offered and S.CHECKED_IN in offered
    with pytest.raises(DomainError):
        booking.set_status(scheduled.db, scheduled.desk, visit, 1, S.NO_SHOW, now=before)
    later = schedule_view.status_changes("scheduled", starts_at=at(MONDAY, 10), now=at(MONDAY, 10))
    assert S.NO_SHOW in later
    booking.set_status(scheduled.db, scheduled.desk, visit, 1, S.NO_SHOW, now=at(MONDAY, 10))


@pytest.mark.parametrize("current", list(S))
def test_can_move_mirrors_reschedule(scheduled: Clinic, current: AppointmentStatus) -> None:
    visit, version = _visit_in(scheduled, current, 10)
    try:
        booking.reschedule(scheduled.db, scheduled.desk, visit, version, starts_at=at(MONDAY, 12))
        moved = True
    except DomainError:
        moved = False
    assert moved == schedule_view.can_move(current.value)


def test_open_episodes_newest_first_with_booked_counts(scheduled: Clinic) -> None:
    db = scheduled.db
    with db.session() as session:
        old = EpisodeOfCare(
            patient_id=scheduled.ortiz, start_date=MONDAY - timedelta(days=60), title="Neck pain"
        )
        new = EpisodeOfCare(
            patient_id=scheduled.ortiz,
            start_date=MONDAY - timedelta(days=7),
            authorized_visits=12,
            title="SI joint",
        )
        closed = EpisodeOfCare(
            patient_id=scheduled.ortiz, start_date=MONDAY, title="Old knee", status="closed"
        )
        other = EpisodeOfCare(patient_id=scheduled.chen, start_date=MONDAY, title="Shoulder")
        session.add_all([old, new, closed, other])
        session.flush()
        new_id = new.id
    booking.book(db, scheduled.desk, scheduled.request(at(MONDAY, 10), episode=new_id))
    cancelled = booking.book(db, scheduled.desk, scheduled.request(at(MONDAY, 12), episode=new_id))
    booking.set_status(db, scheduled.desk, cancelled, 1, S.CANCELLED, reason="ill")
    episodes = schedule_view.open_episodes(db, scheduled.desk, scheduled.ortiz)
    assert [e.title for e in episodes] == ["SI joint", "Neck pain"]
    assert episodes[0].describe() == (
        f"SI joint — from {MONDAY - timedelta(days=7):%Y-%m-%d} · 1 of 12 authorized visits booked"
    )
    assert episodes[1].describe().endswith("· 0 visits booked")
    assert schedule_view.open_episodes(db, scheduled.desk, scheduled.chen)[0].title == "Shoulder"


def test_open_episodes_needs_permission_to_view_patients(scheduled: Clinic) -> None:
    with pytest.raises(PermissionDenied):
        schedule_view.open_episodes(scheduled.db, scheduled.admin, scheduled.ortiz)
