"""A therapist's "My work": today's visits and their notes, unsigned drafts flagged after a
day, visits with no note, Medicare's progress reports and certification, visits running out,
and what waits for a co-signature. Also the calendar's "progress note due"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ptclinic.models import AppointmentStatus
from ptclinic.roles import Role
from ptclinic.services import (
    booking,
    calendar,
    clinical_notes,
    episodes,
    my_work,
    plan_certifications,
)
from ptclinic.services.episodes import EpisodeInput
from tests.conftest import PASSWORD
from tests.services.conftest import MONDAY, Clinic, at, scheduled

__all__ = ["scheduled"]

START = MONDAY - timedelta(weeks=5)  # Monday Nov 2, 2026
NOW = at(MONDAY, 17)


def _episode(clinic: Clinic, payer: str = "medicare", authorized: int | None = None) -> int:
    return episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz,
        EpisodeInput(title="Right SI pain", primary_therapist_id=clinic.lee.staff_id,
                     start_date=START, payer_type=payer, authorized_visits=authorized),
        now=at(START, 8),
    ).id  # fmt: skip


def _visits(clinic: Clinic, episode: int, days: list[date], hour: int = 9) -> list[int]:
    return [
        booking.book(clinic.db, clinic.desk, clinic.request(at(day, hour), episode=episode))
        for day in days
    ]


def _weekdays(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _check_in(clinic: Clinic, appointment: int) -> None:
    view = calendar.appointment_view(clinic.db, clinic.desk, appointment)
    assert view is not None
    booking.set_status(
        clinic.db, clinic.desk, appointment, view.version, AppointmentStatus.CHECKED_IN,
        now=view.starts_at,
    )  # fmt: skip


def test_todays_visits_show_their_note_and_the_tenth_medicare_visit_shows_progress_due(
    scheduled: Clinic,
) -> None:
    episode = _episode(scheduled)
    days = _weekdays(MONDAY - timedelta(days=13), 10)  # the 10th is today
    assert days[-1] == MONDAY
    visits = _visits(scheduled, episode, days)
    clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visits[-1])
    work = my_work.my_work(scheduled.db, scheduled.lee, now=NOW)
    assert [v.appointment_id for v in work.today] == [visits[-1]]
    today = work.today[0]
    assert today.note_status == "draft" and today.progress_day == 10
    assert work.progress_due == (today,)
    view = calendar.appointment_view(scheduled.db, scheduled.desk, visits[-1])
    assert view is not None and view.visit_count_text() == "visit 10 · progress note due"
    ninth = calendar.appointment_view(scheduled.db, scheduled.desk, visits[-2])
    assert ninth is not None and "progress" not in ninth.visit_count_text()


def test_a_commercial_episode_has_no_progress_rule(scheduled: Clinic) -> None:
    episode = _episode(scheduled, payer="commercial")
    visits = _visits(scheduled, episode, _weekdays(MONDAY - timedelta(days=13), 10))
    work = my_work.my_work(scheduled.db, scheduled.lee, now=NOW)
    assert work.today[0].appointment_id == visits[-1] and work.today[0].progress_day is None


def test_unsigned_notes_are_flagged_after_24_hours(scheduled: Clinic) -> None:
    episode = _episode(scheduled, payer="commercial")
    old, recent = _visits(scheduled, episode, [MONDAY - timedelta(days=3), MONDAY])
    for visit in (old, recent):
        clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)
    work = my_work.my_work(scheduled.db, scheduled.lee, now=NOW)
    assert [(r.kind, r.overdue) for r in work.unsigned] == [("visit", True), ("visit", False)]
    assert work.unsigned[0].patient_name == "Ortiz, Maria"
    other = my_work.my_work(scheduled.db, scheduled.kim, now=NOW)
    assert other.unsigned == ()  # only the author's own drafts


def test_a_checked_in_visit_without_a_note_is_listed(scheduled: Clinic) -> None:
    episode = _episode(scheduled, payer="commercial")
    (visit,) = _visits(scheduled, episode, [MONDAY - timedelta(days=2)])
    _check_in(scheduled, visit)
    work = my_work.my_work(scheduled.db, scheduled.lee, now=NOW)
    assert [v.appointment_id for v in work.without_note] == [visit]
    clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)
    assert my_work.my_work(scheduled.db, scheduled.lee, now=NOW).without_note == ()


def test_reminders_name_certification_and_visits_running_out(scheduled: Clinic) -> None:
    episode = _episode(scheduled, authorized=4)
    _visits(scheduled, episode, [MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)])
    plan_certifications.add_certification(
        scheduled.db, scheduled.lee, episode, START, START + timedelta(days=44),
        certified_on=START, now=NOW,
    )  # fmt: skip
    words = [r.words for r in my_work.my_work(scheduled.db, scheduled.lee, now=NOW).reminders]
    assert words == [
        "2 of 4 authorized visits left.",
        "Recertify the plan of care by Dec 16 (9 days left).",
    ]


def test_students_records_wait_for_a_therapists_cosignature(scheduled: Clinic, make_staff) -> None:  # type: ignore[no-untyped-def]
    student = make_staff("sam", Role.STUDENT)
    episode = _episode(scheduled, payer="commercial")
    (visit,) = _visits(scheduled, episode, [MONDAY])
    note = clinical_notes.start_note_for_appointment(scheduled.db, student, visit)
    note = clinical_notes.save_note_draft(
        scheduled.db, student, note.id, note.version,
        {"subjective": "Better", "minutes": {"97110": 30}},
    )  # fmt: skip
    clinical_notes.sign_note(scheduled.db, student, note.id, note.version, PASSWORD, now=NOW)
    work = my_work.my_work(scheduled.db, scheduled.kim, now=NOW)
    assert [(r.record_id, r.author_name) for r in work.cosign] == [(note.id, "Sam Person")]
    assert my_work.my_work(scheduled.db, student, now=NOW).cosign == ()  # may not co-sign


def test_certification_periods_over_ninety_days_are_refused_for_medicare(
    scheduled: Clinic,
) -> None:
    import pytest

    from ptclinic.services.errors import ValidationError

    episode = _episode(scheduled)
    with pytest.raises(ValidationError, match="at most 90 days"):
        plan_certifications.add_certification(
            scheduled.db, scheduled.lee, episode, START, START + timedelta(days=90), now=NOW
        )
    state = plan_certifications.certifications(scheduled.db, scheduled.lee, episode, now=NOW)
    assert state.periods == ()


def test_my_work_is_audited(scheduled: Clinic) -> None:
    from sqlalchemy import select

    from ptclinic.models import AuditEvent

    my_work.my_work(scheduled.db, scheduled.lee, now=datetime(2026, 12, 7, 20, tzinfo=UTC))
    with scheduled.db.session() as session:
        summaries = session.scalars(
            select(AuditEvent.summary).where(AuditEvent.actor_id == scheduled.lee.staff_id)
        ).all()
    assert "opened My work" in summaries
