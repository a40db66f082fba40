"""The chart's one line on an episode's evaluation: not started, a draft, waiting for a
co-signature, signed (with its classification and addenda); and reading it is not audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from ptclinic.models import AuditEvent
from ptclinic.roles import Role
from ptclinic.services import evaluation_records
from ptclinic.services.actor import Actor
from ptclinic.services.errors import PermissionDenied
from ptclinic.services.evaluation_state import NOT_STARTED, evaluation_state
from tests.conftest import PASSWORD
from tests.services.conftest import Clinic, scheduled
from tests.services.test_evaluation_records import NOW, _episode, _ready

__all__ = ["scheduled"]


def _audit_count(clinic: Clinic) -> int:
    with clinic.db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_the_line_follows_the_evaluation_from_start_to_addenda(scheduled: Clinic) -> None:
    episode = _episode(scheduled)
    assert evaluation_state(scheduled.db, scheduled.lee, episode) == NOT_STARTED
    draft = evaluation_records.start_evaluation(scheduled.db, scheduled.lee, episode, now=NOW)
    state = evaluation_state(scheduled.db, scheduled.lee, episode)
    assert state.startswith("Evaluation draft by Dana Lee, last saved ")
    draft = evaluation_records.save_draft(
        scheduled.db, scheduled.lee, draft.id, draft.version, _ready()
    )
    evaluation_records.sign_evaluation(
        scheduled.db, scheduled.lee, draft.id, draft.version, PASSWORD, now=NOW
    )
    signed = "Evaluation signed by Dana Lee on Dec 7, 2026: Stability."
    assert evaluation_state(scheduled.db, scheduled.lee, episode) == signed
    evaluation_records.add_addendum(scheduled.db, scheduled.lee, draft.id, "Left side too.")
    assert evaluation_state(scheduled.db, scheduled.lee, episode) == f"{signed} 1 addendum."
    evaluation_records.add_addendum(scheduled.db, scheduled.lee, draft.id, "Seen by Dr. Ray.")
    assert evaluation_state(scheduled.db, scheduled.lee, episode) == f"{signed} 2 addenda."
    before = _audit_count(scheduled)
    evaluation_state(scheduled.db, scheduled.lee, episode)
    assert _audit_count(scheduled) == before  # a status line, not a reading of the record


def test_a_students_signature_waits_for_the_therapist(scheduled: Clinic, make_staff: Any) -> None:
    student: Actor = make_staff("student1", Role.STUDENT)
    episode = _episode(scheduled)
    draft = evaluation_records.start_evaluation(scheduled.db, student, episode, now=NOW)
    draft = evaluation_records.save_draft(scheduled.db, student, draft.id, draft.version, _ready())
    evaluation_records.sign_evaluation(
        scheduled.db, student, draft.id, draft.version, PASSWORD, now=NOW
    )
    assert evaluation_state(scheduled.db, scheduled.kim, episode).endswith(
        "; waiting for a therapist's co-signature."
    )


def test_the_front_desk_does_not_see_clinical_state(scheduled: Clinic) -> None:
    with pytest.raises(PermissionDenied):
        evaluation_state(scheduled.db, scheduled.desk, _episode(scheduled))
