"""Episodes of care: opening with referral, diagnoses and payer; refusing bad input in words;
edits that check nobody saved meanwhile; closing; who may do it; every change audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from ptclinic.models import AuditEvent, Patient
from ptclinic.services import episodes
from ptclinic.services.episodes import EpisodeInput, PayerType
from ptclinic.services.errors import (
    ConflictError,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from tests.services.conftest import Clinic, scheduled

__all__ = ["scheduled"]

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday Dec 7, 10:00 in Chicago
TODAY = date(2026, 12, 7)


def _input(clinic: Clinic, **kw: object) -> EpisodeInput:
    values: dict[str, object] = {
        "primary_therapist_id": clinic.lee.staff_id,
        "referring_physician": "Dr. Ana Suarez",
        "referral_date": date(2026, 12, 1),
        "referral_reason": "Right buttock pain for 3 months",
        "diagnosis_codes": ("m461", "M54.50"),
        "onset_date": date(2026, 9, 1),
        "onset_mechanism": "Lifting",
        "payer_type": "medicare",
        "authorized_visits": 12,
    }
    values.update(kw)
    return EpisodeInput(**values)  # type: ignore[arg-type]


def _audits(clinic: Clinic, episode_id: int) -> list[tuple[str, str]]:
    with clinic.db.session() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.summary)
            .where(AuditEvent.entity_type == "episode", AuditEvent.entity_id == episode_id)
            .order_by(AuditEvent.id)
        ).all()
    return [(a, s) for a, s in rows]


def test_the_front_desk_opens_an_episode_named_after_its_primary_diagnosis(
    scheduled: Clinic,
) -> None:
    record = episodes.open_episode(
        scheduled.db, scheduled.desk, scheduled.ortiz, _input(scheduled), now=NOW
    )
    assert record.title == "Sacroiliitis, not elsewhere classified"
    assert [d.code for d in record.diagnoses] == ["M46.1", "M54.50"]  # first is primary
    assert (record.start_date, record.status, record.payer_label) == (TODAY, "open", "Medicare")
    assert record.primary_therapist_name == "Dana Lee" and record.warnings == ()
    assert _audits(scheduled, record.id) == [
        ("create", "opened episode “Sacroiliitis, not elsewhere classified”")
    ]
    assert episodes.patient_episodes(scheduled.db, scheduled.lee, scheduled.ortiz) == [record]


def test_an_episode_without_diagnosis_or_medicare_referral_date_says_what_is_missing(
    scheduled: Clinic,
) -> None:
    record = episodes.open_episode(
        scheduled.db, scheduled.desk, scheduled.ortiz,
        _input(scheduled, title="Low back", diagnosis_codes=(), referral_date=None), now=NOW,
    )  # fmt: skip
    assert record.warnings == (
        "Medicare: record the referral (or plan-of-care certification) date.",
        "No diagnosis yet: add one from the referral or the evaluation.",
    )


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"diagnosis_codes": ("Z99.9",)}, "diagnosis_codes", "not on the clinic's diagnosis list"),
        ({"diagnosis_codes": ("M46.1", "m46.1")}, "diagnosis_codes", "M46.1 is listed twice"),
        ({"onset_date": date(2026, 12, 9)}, "onset_date", "begun by the episode's first day"),
        ({"onset_date": date(1950, 1, 1)}, "onset_date", "before the patient was born"),
        ({"referral_date": date(2026, 12, 8)}, "referral_date", "cannot be in the future"),
        ({"payer_type": "lottery"}, "payer_type", "Choose who pays"),
        ({"authorized_visits": -1}, "authorized_visits", "from 0 to 200"),
        ({"title": "", "diagnosis_codes": ()}, "title", "Give the episode a title"),
        ({"title": "x" * 121}, "title", "keep it under 121"),
        ({"referral_reason": "pain\x00"}, "referral_reason", "cannot be stored"),
        ({"primary_therapist_id": -5}, "primary_therapist_id", "active clinician"),
        ({"start_date": date(1970, 1, 1)}, "start_date", "before the patient was born"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(
    scheduled: Clinic, change: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        episodes.open_episode(
            scheduled.db, scheduled.desk, scheduled.ortiz, _input(scheduled, **change), now=NOW
        )
    assert words in raised.value.field_errors[field]
    assert episodes.patient_episodes(scheduled.db, scheduled.desk, scheduled.ortiz) == []


def test_edits_are_saved_and_audited_and_a_stale_edit_names_who_changed_it(
    scheduled: Clinic,
) -> None:
    opened = episodes.open_episode(
        scheduled.db, scheduled.desk, scheduled.ortiz, _input(scheduled), now=NOW
    )
    # Only the diagnoses change: the version must still move on.
    changed = episodes.update_episode(
        scheduled.db, scheduled.lee, opened.id, opened.version,
        replace(opened.as_input(), diagnosis_codes=("S33.6XXA",)), now=NOW,
    )  # fmt: skip
    assert [d.code for d in changed.diagnoses] == ["S33.6XXA"]
    assert changed.version > opened.version
    assert _audits(scheduled, opened.id)[-1] == ("change", "changed diagnosis_codes")
    with pytest.raises(StaleRecordError, match="Dana Lee changed this episode"):
        episodes.update_episode(
            scheduled.db, scheduled.desk, opened.id, opened.version,
            replace(opened.as_input(), authorized_visits=20), now=NOW,
        )  # fmt: skip
    assert episodes.episode(scheduled.db, scheduled.desk, opened.id).authorized_visits == 12


def test_closing_needs_a_reason_and_freezes_the_details(scheduled: Clinic) -> None:
    opened = episodes.open_episode(
        scheduled.db, scheduled.desk, scheduled.ortiz, _input(scheduled), now=NOW
    )
    with pytest.raises(ValidationError, match="Say why the episode ends"):
        episodes.close_episode(scheduled.db, scheduled.lee, opened.id, opened.version, reason=" ")
    with pytest.raises(ValidationError, match="between the episode's start and today"):
        episodes.close_episode(
            scheduled.db, scheduled.lee, opened.id, opened.version, reason="Goals met",
            closed_on=date(2026, 11, 1), now=NOW,
        )  # fmt: skip
    closed = episodes.close_episode(
        scheduled.db, scheduled.lee, opened.id, opened.version, reason="Goals met", now=NOW
    )
    assert (closed.status, closed.closed_on, closed.closed_reason) == ("closed", TODAY, "Goals met")
    with pytest.raises(ConflictError, match="closed"):
        episodes.update_episode(
            scheduled.db, scheduled.lee, closed.id, closed.version, closed.as_input(), now=NOW
        )
    later = episodes.open_episode(
        scheduled.db, scheduled.desk, scheduled.ortiz, _input(scheduled, title="Left hip"), now=NOW
    )
    listed = episodes.patient_episodes(scheduled.db, scheduled.desk, scheduled.ortiz)
    assert [e.id for e in listed] == [later.id, closed.id]  # open ones first


def test_an_administrator_may_neither_open_nor_see_episodes(scheduled: Clinic) -> None:
    with pytest.raises(PermissionDenied):
        episodes.open_episode(scheduled.db, scheduled.admin, scheduled.ortiz, _input(scheduled))
    with pytest.raises(PermissionDenied):
        episodes.patient_episodes(scheduled.db, scheduled.admin, scheduled.ortiz)


def test_payer_types_match_the_database_check() -> None:
    from ptclinic.models.patient import PAYER_TYPES

    assert tuple(p.value for p in PayerType) == PAYER_TYPES


def test_who_may_edit_episodes_matches_what_the_service_lets_them_do(scheduled: Clinic) -> None:
    assert episodes.may_edit(scheduled.desk) and episodes.may_edit(scheduled.lee)
    assert not episodes.may_edit(scheduled.admin)


@pytest.mark.parametrize(
    ("payer", "kind"),
    [
        ("Medicare Part B", PayerType.MEDICARE),
        ("Humana Medicare Advantage", PayerType.MEDICARE),
        ("Illinois Medicaid", PayerType.MEDICAID),
        ("Medi-Cal", PayerType.MEDICAID),
        ("Acme Workers' Comp", PayerType.WORKERS_COMP),
        ("State Farm Auto", PayerType.AUTO),
        ("Self-pay", PayerType.SELF_PAY),
        ("Blue Cross Blue Shield of Illinois", PayerType.COMMERCIAL),
        ("Pipeline Health Plan", PayerType.COMMERCIAL),  # "pip" inside a word is not auto
        ("   ", None),
    ],
)
def test_a_payer_name_suggests_its_kind(payer: str, kind: PayerType | None) -> None:
    assert episodes.payer_type_from_name(payer) == kind


def test_a_new_episode_takes_the_last_episodes_payer_else_the_payer_name(
    scheduled: Clinic,
) -> None:
    db, desk, patient = scheduled.db, scheduled.desk, scheduled.ortiz
    with db.session() as session:
        session.get(Patient, patient).payer = "Aetna Choice POS II"  # type: ignore[union-attr]
    assert episodes.suggested_payer_type(db, desk, patient) == PayerType.COMMERCIAL
    episodes.open_episode(
        db, desk, patient, EpisodeInput(title="Low back", payer_type="workers_comp"), now=NOW
    )
    assert episodes.suggested_payer_type(db, desk, patient) == PayerType.WORKERS_COMP
