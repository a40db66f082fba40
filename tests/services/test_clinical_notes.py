"""Clinical notes as records: started from the appointment (its visit type chooses the kind, its
local day the date), once per visit, never for a missed visit, a visit outside an episode or a
closed episode; drafts saved by their author and refused when stale; signing with the password;
a student's signature waiting for a therapist's; addenda under signed notes; who may do what;
and the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from ptclinic.models import Appointment, AppointmentStatus, AuditEvent, ClinicalNote, NoteCharge
from ptclinic.roles import Role
from ptclinic.services import (
    booking,
    care_plans,
    clinical_notes,
    episodes,
    evaluation_records,
    signed_records,
)
from ptclinic.services.actor import Actor
from ptclinic.services.episodes import EpisodeInput
from ptclinic.services.errors import (
    AuthenticationError,
    ConflictError,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from tests.conftest import PASSWORD
from tests.services.conftest import MONDAY, Clinic, at, scheduled
from tests.services.test_evaluation_records import _ready

__all__ = ["scheduled"]

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday Dec 7, 10:00 in the clinic
WRITTEN = {
    "subjective": "Sat through a film without pain.",
    "assessment": "Load transfer improving.",
    "minutes": {"97110": 33, "97140": 7},
}


# --- helpers shared with the other note tests -----------------------------------------------


def open_episode(clinic: Clinic, payer: str = "commercial") -> int:
    return episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz,
        EpisodeInput(title="Right SI pain", primary_therapist_id=clinic.lee.staff_id,
                     payer_type=payer),
        now=NOW,
    ).id  # fmt: skip


def planned_episode(clinic: Clinic, payer: str = "commercial") -> int:
    """An episode with a signed "stability" evaluation and the care plan started from it."""
    episode = open_episode(clinic, payer)
    draft = evaluation_records.start_evaluation(clinic.db, clinic.lee, episode, now=NOW)
    draft = evaluation_records.save_draft(clinic.db, clinic.lee, draft.id, draft.version, _ready())
    evaluation_records.sign_evaluation(
        clinic.db, clinic.lee, draft.id, draft.version, PASSWORD, now=NOW
    )
    care_plans.start_plan(clinic.db, clinic.lee, episode, now=NOW)
    return episode


def book_visit(
    clinic: Clinic, episode: int | None, *, day: date = MONDAY, hour: int = 9, minute: int = 0,
    visit_type: str = "follow_up", therapist: Actor | None = None,
) -> int:  # fmt: skip
    request = clinic.request(
        at(day, hour, minute), episode=episode, visit_type=visit_type, therapist=therapist
    )
    return booking.book(clinic.db, clinic.desk, request)


def audits(clinic: Clinic, note_id: int) -> list[str]:
    with clinic.db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent.summary)
                .where(AuditEvent.entity_type == "note", AuditEvent.entity_id == note_id)
                .order_by(AuditEvent.id)
            )
        )


def visit_status(clinic: Clinic, appointment: int) -> str:
    with clinic.db.session() as session:
        row = session.get(Appointment, appointment)
        assert row is not None
        return row.status


def charge_count(clinic: Clinic) -> int:
    with clinic.db.session() as session:
        return session.scalar(select(func.count()).select_from(NoteCharge)) or 0


def written_note(
    clinic: Clinic, who: Actor, appointment: int, content: dict[str, Any] | None = None
) -> clinical_notes.NoteRecord:
    """The appointment's note started and saved by ``who`` (ready to sign by default)."""
    draft = clinical_notes.start_note_for_appointment(clinic.db, who, appointment)
    return clinical_notes.save_note_draft(
        clinic.db, who, draft.id, draft.version, WRITTEN if content is None else content
    )


# --- starting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visit_type", "kind", "label"),
    [
        ("follow_up", "visit", "Visit note"),
        ("progress_visit", "progress", "Progress note"),
        ("re_evaluation", "progress", "Progress note"),
        ("discharge", "discharge", "Discharge summary"),
    ],
)
def test_the_visit_type_chooses_the_kind_of_note(
    scheduled: Clinic, visit_type: str, kind: str, label: str
) -> None:
    visit = book_visit(scheduled, open_episode(scheduled), visit_type=visit_type)
    note = clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)
    assert (note.kind, note.kind_label, note.status, note.appointment_id) == (
        kind, label, "draft", visit,
    )  # fmt: skip
    assert (note.therapist_name, note.note_date, note.cosign_required) == (
        "Dana Lee", MONDAY, False,
    )  # fmt: skip
    assert note.charges == () and note.addenda == () and note.is_draft


def test_the_note_is_dated_the_visits_day_in_the_clinic(scheduled: Clinic) -> None:
    # 18:00 in Chicago on Monday is already Tuesday in UTC.
    visit = book_visit(scheduled, open_episode(scheduled), hour=18)
    assert at(MONDAY, 18).date() == MONDAY + timedelta(days=1)
    note = clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)
    assert note.note_date == MONDAY


def test_a_visit_has_one_note_whoever_starts_it(scheduled: Clinic) -> None:
    visit = book_visit(scheduled, open_episode(scheduled))
    first = clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)
    saved = clinical_notes.save_note_draft(
        scheduled.db, scheduled.lee, first.id, first.version, {"subjective": "Better"}
    )
    again = clinical_notes.start_note_for_appointment(scheduled.db, scheduled.kim, visit)
    assert (again.id, again.therapist_name, again.content) == (
        first.id, "Dana Lee", {"subjective": "Better"},
    )  # fmt: skip
    assert again.version == saved.version
    with scheduled.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ClinicalNote)) == 1
    assert audits(scheduled, first.id).count("started a visit note") == 1


@pytest.mark.parametrize("status", [AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW])
def test_a_cancelled_or_missed_visit_has_no_note(
    scheduled: Clinic, status: AppointmentStatus
) -> None:
    visit = book_visit(scheduled, open_episode(scheduled))
    booking.set_status(
        scheduled.db, scheduled.desk, visit, 1, status, reason="Flu", now=at(MONDAY, 12)
    )
    with pytest.raises(ConflictError, match="cancelled or missed; there is no treatment"):
        clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)
    with scheduled.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ClinicalNote)) == 0


def test_a_visit_outside_an_episode_is_linked_first(scheduled: Clinic) -> None:
    visit = book_visit(scheduled, None)
    with pytest.raises(ConflictError) as raised:
        clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)
    assert "not linked to an episode of care" in str(raised.value)
    assert "before writing the note" in str(raised.value)


def test_a_closed_episode_takes_no_new_note(scheduled: Clinic) -> None:
    episode = open_episode(scheduled)
    visit = book_visit(scheduled, episode)
    record = episodes.episode(scheduled.db, scheduled.lee, episode)
    episodes.close_episode(
        scheduled.db, scheduled.lee, episode, record.version, reason="Moved away", now=NOW
    )
    with pytest.raises(ConflictError, match="episode is closed"):
        clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)


def test_a_closed_episode_takes_no_note_without_a_visit_either(scheduled: Clinic) -> None:
    episode = open_episode(scheduled)
    record = episodes.episode(scheduled.db, scheduled.lee, episode)
    episodes.close_episode(
        scheduled.db, scheduled.lee, episode, record.version, reason="Moved away", now=NOW
    )
    with pytest.raises(ConflictError, match="episode is closed"):
        clinical_notes.start_note(scheduled.db, scheduled.lee, episode, "discharge", now=NOW)


def test_a_note_without_a_visit_is_dated_today(scheduled: Clinic) -> None:
    episode = open_episode(scheduled)
    later = NOW + timedelta(days=3)
    note = clinical_notes.start_note(scheduled.db, scheduled.lee, episode, "progress", now=later)
    assert (note.kind, note.appointment_id, note.note_date) == (
        "progress", None, date(2026, 12, 10),
    )  # fmt: skip
    second = clinical_notes.start_note(scheduled.db, scheduled.lee, episode, "progress", now=later)
    assert second.id != note.id  # a note without a visit is not limited to one


def test_an_unknown_kind_of_note_is_a_validation_error(scheduled: Clinic) -> None:
    episode = open_episode(scheduled)
    with pytest.raises(ValidationError):
        clinical_notes.start_note(scheduled.db, scheduled.lee, episode, "letter", now=NOW)


# --- drafts -----------------------------------------------------------------------------------


def test_only_the_author_saves_or_signs_the_draft(scheduled: Clinic) -> None:
    visit = book_visit(scheduled, open_episode(scheduled))
    note = written_note(scheduled, scheduled.lee, visit)
    with pytest.raises(PermissionDenied, match="Only the note's author edits"):
        clinical_notes.save_note_draft(
            scheduled.db, scheduled.kim, note.id, note.version, {"subjective": "Mine now"}
        )
    with pytest.raises(PermissionDenied, match="Only the note's author signs"):
        clinical_notes.sign_note(
            scheduled.db, scheduled.kim, note.id, note.version, PASSWORD, now=NOW
        )
    after = clinical_notes.note(scheduled.db, scheduled.lee, note.id)
    assert (after.status, after.content, after.version) == ("draft", WRITTEN, note.version)


def test_a_stale_save_says_who_saved_and_changes_nothing(scheduled: Clinic) -> None:
    visit = book_visit(scheduled, open_episode(scheduled))
    draft = clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)
    first = clinical_notes.save_note_draft(
        scheduled.db, scheduled.lee, draft.id, draft.version, {"subjective": "First window"}
    )
    assert first.version == draft.version + 1
    with pytest.raises(StaleRecordError, match="Dana Lee saved this note at"):
        clinical_notes.save_note_draft(
            scheduled.db, scheduled.lee, draft.id, draft.version, {"subjective": "Second window"}
        )
    with pytest.raises(StaleRecordError, match="Dana Lee saved this note"):
        clinical_notes.sign_note(
            scheduled.db, scheduled.lee, draft.id, draft.version, PASSWORD, now=NOW
        )
    after = clinical_notes.note(scheduled.db, scheduled.lee, draft.id)
    assert (after.content, after.version, after.status) == (
        {"subjective": "First window"}, first.version, "draft",
    )  # fmt: skip


def test_a_draft_that_fails_the_form_is_not_saved(scheduled: Clinic) -> None:
    visit = book_visit(scheduled, open_episode(scheduled))
    note = written_note(scheduled, scheduled.lee, visit)
    with pytest.raises(ValidationError) as raised:
        clinical_notes.save_note_draft(
            scheduled.db, scheduled.lee, note.id, note.version,
            {"pain_before": 12, "outcomes": {"nprs": 3}},
        )  # fmt: skip
    assert set(raised.value.field_errors) == {"pain_before", "outcomes"}
    after = clinical_notes.note(scheduled.db, scheduled.lee, note.id)
    assert (after.content, after.version) == (WRITTEN, note.version)


# --- signing ----------------------------------------------------------------------------------


def test_a_wrong_password_signs_nothing(scheduled: Clinic) -> None:
    visit = book_visit(scheduled, open_episode(scheduled))
    note = written_note(scheduled, scheduled.lee, visit)
    with pytest.raises(AuthenticationError):
        clinical_notes.sign_note(
            scheduled.db, scheduled.lee, note.id, note.version, "not my password", now=NOW
        )
    after = clinical_notes.note(scheduled.db, scheduled.lee, note.id)
    assert (after.status, after.signed_at, after.version, after.charges) == (
        "draft", None, note.version, (),
    )  # fmt: skip
    assert charge_count(scheduled) == 0 and visit_status(scheduled, visit) == "scheduled"
    assert not any(s.startswith("signed") for s in audits(scheduled, note.id))


def test_a_signed_note_is_changed_only_by_addenda(scheduled: Clinic) -> None:
    visit = book_visit(scheduled, open_episode(scheduled))
    note = written_note(scheduled, scheduled.lee, visit)
    signed = clinical_notes.sign_note(
        scheduled.db, scheduled.lee, note.id, note.version, PASSWORD, now=NOW
    )
    assert (signed.status, signed.signed_at, signed.signed_by_name) == ("signed", NOW, "Dana Lee")
    assert signed.signed_by_credentials == "PT, DPT" and not signed.is_draft
    with pytest.raises(ConflictError, match="add an addendum"):
        clinical_notes.save_note_draft(
            scheduled.db, scheduled.lee, note.id, signed.version, {"subjective": "Later"}
        )
    with pytest.raises(ConflictError, match="add an addendum"):
        clinical_notes.sign_note(
            scheduled.db, scheduled.lee, note.id, signed.version, PASSWORD, now=NOW
        )
    with pytest.raises(ConflictError, match="not waiting for a co-signature"):
        clinical_notes.cosign_note(
            scheduled.db, scheduled.kim, note.id, signed.version, PASSWORD, now=NOW
        )


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["desk", "admin"])
def test_the_front_desk_and_the_administrator_neither_write_nor_read_notes(
    scheduled: Clinic, person: str
) -> None:
    who: Actor = getattr(scheduled, person)
    episode = open_episode(scheduled)
    visit = book_visit(scheduled, episode)
    note = written_note(scheduled, scheduled.lee, visit)
    db = scheduled.db
    for attempt in (
        lambda: clinical_notes.start_note_for_appointment(db, who, visit),
        lambda: clinical_notes.start_note(db, who, episode, "progress", now=NOW),
        lambda: clinical_notes.note(db, who, note.id),
        lambda: clinical_notes.episode_notes(db, who, episode),
        lambda: clinical_notes.save_note_draft(db, who, note.id, note.version, {}),
        lambda: clinical_notes.sign_note(db, who, note.id, note.version, PASSWORD, now=NOW),
        lambda: clinical_notes.cosign_note(db, who, note.id, note.version, PASSWORD),
        lambda: clinical_notes.add_note_addendum(db, who, note.id, "Seen"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    after = clinical_notes.note(db, scheduled.lee, note.id)
    assert (after.status, after.content) == ("draft", WRITTEN)


def test_an_assistant_writes_and_signs_their_visits_note(
    scheduled: Clinic, make_staff: Any
) -> None:
    assistant: Actor = make_staff("pta1", Role.ASSISTANT)
    visit = book_visit(scheduled, open_episode(scheduled), therapist=assistant)
    note = written_note(scheduled, assistant, visit)
    assert not note.cosign_required and note.therapist_id == assistant.staff_id
    signed = clinical_notes.sign_note(
        scheduled.db, assistant, note.id, note.version, PASSWORD, now=NOW
    )
    assert (signed.status, signed.signed_by_name, signed.cosigned_by_name) == (
        "signed", "Pta1 Person", "",
    )  # fmt: skip
    assert clinical_notes.note(scheduled.db, assistant, note.id).status == "signed"


def test_a_students_note_waits_for_a_therapists_cosignature(
    scheduled: Clinic, make_staff: Any
) -> None:
    student: Actor = make_staff("student1", Role.STUDENT)
    assistant: Actor = make_staff("pta1", Role.ASSISTANT)
    db = scheduled.db
    visit = book_visit(scheduled, open_episode(scheduled, "medicare"), therapist=student)
    note = written_note(scheduled, student, visit)
    assert note.cosign_required
    waiting = clinical_notes.sign_note(db, student, note.id, note.version, PASSWORD, now=NOW)
    assert (waiting.status, waiting.signed_by_name, waiting.cosigned_at) == (
        "awaiting_cosign", "Student1 Person", None,
    )  # fmt: skip
    with pytest.raises(ConflictError, match="add an addendum"):
        clinical_notes.save_note_draft(db, student, note.id, waiting.version, {"plan": "More"})
    for who in (student, assistant):
        with pytest.raises(PermissionDenied):
            clinical_notes.cosign_note(db, who, note.id, waiting.version, PASSWORD, now=NOW)
    with pytest.raises(AuthenticationError):
        clinical_notes.cosign_note(db, scheduled.kim, note.id, waiting.version, "nope", now=NOW)
    with pytest.raises(StaleRecordError):
        clinical_notes.cosign_note(db, scheduled.kim, note.id, note.version, PASSWORD, now=NOW)
    assert clinical_notes.note(db, scheduled.kim, note.id).status == "awaiting_cosign"
    cosigned_at = NOW + timedelta(hours=2)
    signed = clinical_notes.cosign_note(
        db, scheduled.kim, note.id, waiting.version, PASSWORD, now=cosigned_at
    )
    assert (signed.status, signed.cosigned_by_name, signed.cosigned_at) == (
        "signed", "Brian Kim", cosigned_at,
    )  # fmt: skip
    assert (signed.signed_by_name, signed.content) == ("Student1 Person", WRITTEN)
    with pytest.raises(ConflictError, match="not waiting for a co-signature"):
        clinical_notes.cosign_note(db, scheduled.kim, note.id, signed.version, PASSWORD, now=NOW)
    said = [s for s in audits(scheduled, note.id) if not s.startswith("opened")]
    assert said[-2:] == [
        "signed the visit note, waiting for co-signature; 3 units; visit completed",
        "co-signed the note",
    ]


# --- addenda ----------------------------------------------------------------------------------


def test_addenda_go_under_signed_notes_only(scheduled: Clinic) -> None:
    db, lee = scheduled.db, scheduled.lee
    visit = book_visit(scheduled, open_episode(scheduled))
    note = written_note(scheduled, lee, visit)
    with pytest.raises(ConflictError, match="still a draft"):
        clinical_notes.add_note_addendum(db, lee, note.id, "Too early")
    clinical_notes.sign_note(db, lee, note.id, note.version, PASSWORD, now=NOW)
    for text, message in (
        ("  \n ", "Write the addendum first"),
        ("Pain \x00 3/10", "characters that cannot be stored"),
        ("x" * 4001, "The addendum is 4001 characters; keep it to 4000."),
    ):
        with pytest.raises(ValidationError, match=message):
            clinical_notes.add_note_addendum(db, lee, note.id, text)
    clinical_notes.add_note_addendum(db, lee, note.id, "  Pain after was 3/10,\nnot 4/10.  ")
    record = clinical_notes.add_note_addendum(db, scheduled.kim, note.id, "Reviewed; agree.")
    assert [(a.author_name, a.text) for a in record.addenda] == [
        ("Dana Lee", "Pain after was 3/10,\nnot 4/10."),
        ("Brian Kim", "Reviewed; agree."),
    ]
    assert (record.status, record.content) == ("signed", WRITTEN)
    assert audits(scheduled, note.id).count("added an addendum") == 2


# --- reading and the audit trail --------------------------------------------------------------


def test_every_step_is_audited_and_draft_saves_coalesce(
    scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, lee = scheduled.db, scheduled.lee
    visit = book_visit(scheduled, open_episode(scheduled, "medicare"))
    draft = clinical_notes.start_note_for_appointment(db, lee, visit)
    clinical_notes.note(db, lee, draft.id)
    version = draft.version
    for words in ("Sat", "Sat through", "Sat through a film"):  # autosave while typing
        version = clinical_notes.save_note_draft(
            db, lee, draft.id, version, {"subjective": words}
        ).version
    assert audits(scheduled, draft.id) == [
        "started a visit note", "opened a visit note", "saved the draft",
    ]  # fmt: skip
    monkeypatch.setattr(signed_records, "DRAFT_AUDIT_EVERY", timedelta(0))  # time passes
    version = clinical_notes.save_note_draft(db, lee, draft.id, version, WRITTEN).version
    clinical_notes.sign_note(db, lee, draft.id, version, PASSWORD, now=NOW)
    clinical_notes.add_note_addendum(db, lee, draft.id, "Pain after was 3/10.")
    assert audits(scheduled, draft.id) == [
        "started a visit note",
        "opened a visit note",
        "saved the draft",
        "saved the draft",
        "signed the visit note; 3 units; visit completed",
        "added an addendum",
    ]
    with db.session() as session:
        patients = set(
            session.scalars(
                select(AuditEvent.patient_id).where(
                    AuditEvent.entity_type == "note", AuditEvent.entity_id == draft.id
                )
            )
        )
    assert patients == {scheduled.ortiz}


def test_the_episodes_notes_are_listed_oldest_first(scheduled: Clinic) -> None:
    db, lee = scheduled.db, scheduled.lee
    episode = open_episode(scheduled)
    later = book_visit(scheduled, episode, day=MONDAY + timedelta(days=2))
    earlier = book_visit(scheduled, episode)
    second = clinical_notes.start_note_for_appointment(db, lee, later)
    first = clinical_notes.start_note_for_appointment(db, lee, earlier)
    listed = clinical_notes.episode_notes(db, scheduled.kim, episode)
    assert [n.id for n in listed] == [first.id, second.id]
    assert [n.note_date for n in listed] == [MONDAY, MONDAY + timedelta(days=2)]
    with db.session() as session:
        said = session.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.entity_type == "episode", AuditEvent.entity_id == episode
            )
        ).all()
    assert "listed the episode's notes" in said
