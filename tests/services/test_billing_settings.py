"""The fee schedule, the yearly therapy threshold and a patient's running total against it:
what a person may type as an amount, who may change what, the audit trail, a stale threshold,
and the total that signed notes bill."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import AuditEvent
from ptclinic.roles import Role
from ptclinic.services import billing_settings, booking, clinical_notes, episodes
from ptclinic.services.actor import Actor
from ptclinic.services.billing import CPT_CODES
from ptclinic.services.billing_settings import (
    MAX_FEE_CENTS,
    FeeLine,
    fee_schedule,
    parse_dollars,
    patient_threshold,
    set_fee,
    set_threshold,
)
from ptclinic.services.episodes import EpisodeInput
from ptclinic.services.errors import (
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from tests.conftest import PASSWORD
from tests.services.conftest import MONDAY, Clinic, at, scheduled

__all__ = ["scheduled"]

MakeStaff = Callable[[str, Role], Actor]
NOW = at(MONDAY, 17)  # Monday Dec 7, 2026, late afternoon in Chicago
THERAPY = {"97110": 33, "97140": 7}  # Medicare: 40 timed minutes = 3 units, 97110 2 + 97140 1


# --- what a person may type ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("95", 9500),
        ("95.50", 9550),
        ("95.5", 9550),
        ("$1,095.00", 109500),
        ("1095", 109500),
        ("  $ 40  ", 4000),
        (".50", 50),
        ("0", 0),
        ("10,000.00", MAX_FEE_CENTS),
        ("$12,345,678.90", 1234567890),  # within this call's limit below
        ("", None),
        ("   ", None),
    ],
)
def test_amounts_as_people_type_them(typed: str, cents: int | None) -> None:
    assert parse_dollars(typed, "The fee", 10**12) == cents


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("-5", "cannot be negative"),
        ("$-5.00", "cannot be negative"),
        ("(40.00)", "cannot be negative"),
        ("95.505", "more than two digits after the point"),
        ("95,50", "write cents after a point, as in 95.50"),
        ("1,0950", "a comma only separates thousands"),
        ("forty", "is not an amount of money"),
        ("95 dollars", "is not an amount of money"),
        ("1e5", "is not an amount of money"),
        ("$", "is not an amount of money"),
        ("10,000.01", "cannot be more than $10,000.00: $10,000.01 was typed."),
        ("250000", "cannot be more than $10,000.00"),
    ],
)
def test_amounts_refused_in_plain_words(typed: str, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_dollars(typed, "The fee for 97110 Therapeutic exercise", MAX_FEE_CENTS)
    message = refused.value.field_errors["amount"]
    assert message.startswith("The fee for 97110 Therapeutic exercise")
    assert says in message


# --- the fee schedule --------------------------------------------------------------------------


def _events(db: Database, entity_type: str) -> list[AuditEvent]:
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_type == entity_type)
                .order_by(AuditEvent.id)
            )
        )


def test_the_schedule_lists_every_code_in_catalogue_order_without_fees_at_first(
    clinic_db: Database, admin: Actor
) -> None:
    schedule = fee_schedule(clinic_db, admin)
    assert [line.code for line in schedule.fees] == list(CPT_CODES)
    assert all(line.amount_cents is None for line in schedule.fees)
    assert not schedule.has_fees
    assert schedule.fees[4] == FeeLine("97110", "Therapeutic exercise", True, None)
    assert (schedule.threshold.cents, schedule.threshold.version) == (248_000, 1)


def test_setting_changing_and_clearing_a_fee_is_audited(clinic_db: Database, admin: Actor) -> None:
    saved = set_fee(clinic_db, admin, "97110", "$40")
    assert saved == FeeLine("97110", "Therapeutic exercise", True, 4000)
    set_fee(clinic_db, admin, "97140", "1,095.5")
    assert fee_schedule(clinic_db, admin).fee("97140") == 109550
    set_fee(clinic_db, admin, "97110", "42.25")
    set_fee(clinic_db, admin, "97140", "")
    set_fee(clinic_db, admin, "97162", None)  # clearing a fee never set: harmless
    schedule = fee_schedule(clinic_db, admin)
    assert schedule.fee("97110") == 4225 and schedule.fee("97140") is None
    assert schedule.has_fees
    assert [(e.action, e.actor_username, e.summary) for e in _events(clinic_db, "cpt_fee")] == [
        ("change", "admin", "fee for 97110 Therapeutic exercise: $40.00 (was none)"),
        ("change", "admin", "fee for 97140 Manual therapy: $1,095.50 (was none)"),
        ("change", "admin", "fee for 97110 Therapeutic exercise: $42.25 (was $40.00)"),
        ("change", "admin", "fee for 97140 Manual therapy: none (was $1,095.50)"),
        ("change", "admin", "fee for 97162 PT evaluation, moderate complexity: none (was none)"),
    ]


@pytest.mark.parametrize(
    ("code", "typed", "field", "says"),
    [
        ("97110", "-40", "amount", "The fee for 97110 Therapeutic exercise cannot be negative."),
        ("97110", "40.005", "amount", "more than two digits after the point"),
        ("97110", "10001", "amount", "cannot be more than $10,000.00"),
        ("97110", "forty", "amount", "“forty” is not an amount of money"),
        ("99999", "40", "code", "“99999” is not in the clinic's CPT list."),
        (" 97110", "40", "code", "is not in the clinic's CPT list"),
    ],
)
def test_a_refused_fee_saves_nothing(
    clinic_db: Database, admin: Actor, code: str, typed: str, field: str, says: str
) -> None:
    set_fee(clinic_db, admin, "97110", "40")
    with pytest.raises(ValidationError) as refused:
        set_fee(clinic_db, admin, code, typed)
    assert says in refused.value.field_errors[field]
    assert fee_schedule(clinic_db, admin).fee("97110") == 4000
    assert len(_events(clinic_db, "cpt_fee")) == 1


# --- the therapy threshold ---------------------------------------------------------------------


def test_changing_the_threshold_is_audited_and_versioned(clinic_db: Database, admin: Actor) -> None:
    first = fee_schedule(clinic_db, admin).threshold
    saved = set_threshold(clinic_db, admin, "$2,410.00", first.version)
    assert saved.cents == 241_000 and saved.version == first.version + 1
    assert fee_schedule(clinic_db, admin).threshold == saved
    again = set_threshold(clinic_db, admin, "2480", saved.version)
    assert again.cents == 248_000
    assert [(e.entity_id, e.summary) for e in _events(clinic_db, "billing_settings")] == [
        (1, "therapy threshold: $2,410.00 (was $2,480.00)"),
        (1, "therapy threshold: $2,480.00 (was $2,410.00)"),
    ]


def test_a_stale_threshold_is_refused_and_nothing_changes(
    clinic_db: Database, admin: Actor
) -> None:
    loaded = fee_schedule(clinic_db, admin).threshold  # two workstations read version 1
    set_threshold(clinic_db, admin, "2500", loaded.version)  # the first saves
    with pytest.raises(StaleRecordError, match="Someone else changed the therapy threshold"):
        set_threshold(clinic_db, admin, "2600", loaded.version)  # the second is refused
    assert fee_schedule(clinic_db, admin).threshold.cents == 250_000
    assert len(_events(clinic_db, "billing_settings")) == 1


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type the therapy threshold: Medicare's for 2026 is $2,480.00."),
        ("0", "must be more than $0.00"),
        ("-2480", "The therapy threshold cannot be negative."),
        ("100,000.01", "cannot be more than $100,000.00"),
        ("2.480,00", "is not an amount of money"),
        ("2480.001", "more than two digits after the point"),
        ("lots", "“lots” is not an amount of money; type dollars and cents, e.g. 2,480.00."),
    ],
)
def test_a_refused_threshold_says_why(
    clinic_db: Database, admin: Actor, typed: str, says: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        set_threshold(clinic_db, admin, typed, 1)
    assert says in refused.value.field_errors["amount"]
    assert fee_schedule(clinic_db, admin).threshold.cents == 248_000


def test_the_largest_threshold_is_taken(clinic_db: Database, admin: Actor) -> None:
    assert set_threshold(clinic_db, admin, "$100,000", 1).cents == 100_000_00


# --- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST, Role.ASSISTANT, Role.STUDENT])
def test_only_administrators_change_fees_and_the_threshold(
    clinic_db: Database, admin: Actor, make_staff: MakeStaff, role: Role
) -> None:
    someone = make_staff("someone", role)
    with pytest.raises(PermissionDenied, match="not allowed to change clinic settings"):
        set_fee(clinic_db, someone, "97110", "40")
    with pytest.raises(PermissionDenied):
        set_threshold(clinic_db, someone, "2500", 1)
    # Everyone may read the prices: they are not patient data.
    assert fee_schedule(clinic_db, someone).fee("97110") is None
    assert fee_schedule(clinic_db, admin).threshold.cents == 248_000
    assert _events(clinic_db, "cpt_fee") == []


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST, Role.ASSISTANT, Role.STUDENT])
def test_roles_that_view_patients_see_the_total(scheduled: Clinic, make_staff, role: Role) -> None:  # type: ignore[no-untyped-def]
    someone = make_staff("someone", role)
    total = patient_threshold(scheduled.db, someone, scheduled.ortiz, now=NOW)
    assert (total.year, total.total_cents, total.priced_charges) == (2026, 0, False)


def test_an_administrator_does_not_see_a_patients_total(scheduled: Clinic) -> None:
    with pytest.raises(PermissionDenied, match="not allowed to view patients"):
        patient_threshold(scheduled.db, scheduled.admin, scheduled.ortiz, now=NOW)


def test_an_unknown_patient_has_no_total(scheduled: Clinic) -> None:
    with pytest.raises(NotFound):
        patient_threshold(scheduled.db, scheduled.desk, 987_654, now=NOW)


# --- the running total -------------------------------------------------------------------------


def _medicare_episode(clinic: Clinic) -> int:
    return episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz,
        EpisodeInput(title="Right SI pain", primary_therapist_id=clinic.lee.staff_id,
                     start_date=MONDAY - timedelta(weeks=2), payer_type="medicare"),
        now=at(MONDAY - timedelta(weeks=2), 8),
    ).id  # fmt: skip


def _signed_visit(clinic: Clinic, episode: int, days_ago: int, minutes: dict[str, int]) -> int:
    """A visit booked ``days_ago`` before Monday, documented and signed by Dana Lee."""
    when = at(MONDAY - timedelta(days=days_ago), 9)
    visit = booking.book(clinic.db, clinic.desk, clinic.request(when, episode=episode))
    note = clinical_notes.start_note_for_appointment(clinic.db, clinic.lee, visit)
    note = clinical_notes.save_note_draft(
        clinic.db, clinic.lee, note.id, note.version,
        {"subjective": "Less pain getting out of the car.", "minutes": minutes},
    )  # fmt: skip
    clinical_notes.sign_note(clinic.db, clinic.lee, note.id, note.version, PASSWORD, now=NOW)
    return visit


def test_signed_notes_add_up_against_the_threshold(scheduled: Clinic) -> None:
    db, admin = scheduled.db, scheduled.admin
    set_fee(db, admin, "97110", "$40")
    set_fee(db, admin, "97140", "45.00")
    episode = _medicare_episode(scheduled)
    _signed_visit(scheduled, episode, 7, THERAPY)

    total = patient_threshold(db, scheduled.desk, scheduled.ortiz, now=NOW)
    # 33 min 97110 + 7 min 97140 under Medicare's 8-minute rule: 2 × $40 + 1 × $45.
    assert (total.year, total.total_cents, total.threshold_cents) == (2026, 12_500, 248_000)
    assert total.priced_charges and not total.over
    assert total.words() == "$125.00 of the $2,480.00 therapy threshold billed in 2026."

    # A later fee change leaves the signed note's charges alone; the next note uses it.
    set_fee(db, admin, "97110", "50")
    _signed_visit(scheduled, episode, 0, {"97110": 30})
    total = patient_threshold(db, scheduled.lee, scheduled.ortiz, now=NOW)
    assert total.total_cents == 12_500 + 2 * 5_000

    # Each look at the total is audited against the patient; the same person looking again
    # within minutes (the chart refreshing) is the same look.
    patient_threshold(db, scheduled.desk, scheduled.ortiz, now=NOW)
    views = [e for e in _events(db, "patient") if e.action == "view"]
    assert [(e.actor_username, e.patient_id, e.summary) for e in views] == [
        ("frontdesk", scheduled.ortiz, "therapy threshold total for 2026"),
        ("dlee", scheduled.ortiz, "therapy threshold total for 2026"),
    ]


def test_past_the_threshold_the_words_ask_for_the_kx_modifier(scheduled: Clinic) -> None:
    db, admin = scheduled.db, scheduled.admin
    set_fee(db, admin, "97110", "40")
    set_fee(db, admin, "97140", "45")
    set_threshold(db, admin, "100", fee_schedule(db, admin).threshold.version)
    _signed_visit(scheduled, _medicare_episode(scheduled), 3, THERAPY)
    total = patient_threshold(db, scheduled.desk, scheduled.ortiz, now=NOW)
    assert total.over
    assert total.words() == (
        "$125.00 of the $100.00 therapy threshold billed in 2026: over it, add the KX modifier "
        "with medical necessity documented."
    )


def test_without_fees_there_is_no_total_to_show(scheduled: Clinic) -> None:
    _signed_visit(scheduled, _medicare_episode(scheduled), 7, THERAPY)
    total = patient_threshold(scheduled.db, scheduled.desk, scheduled.ortiz, now=NOW)
    assert not total.priced_charges and total.words() == ""


def test_another_year_counts_on_its_own(scheduled: Clinic) -> None:
    set_fee(scheduled.db, scheduled.admin, "97110", "40")
    _signed_visit(scheduled, _medicare_episode(scheduled), 7, THERAPY)
    last_year = patient_threshold(scheduled.db, scheduled.desk, scheduled.ortiz, year=2025)
    assert (last_year.year, last_year.total_cents, last_year.words()) == (2025, 0, "")
    # The clinic's year, not the computer's: 11 pm on Dec 31 in Chicago is already 2027 in UTC.
    new_years_eve = at(MONDAY.replace(month=12, day=31), 23)
    assert new_years_eve.year == 2027
    total = patient_threshold(scheduled.db, scheduled.desk, scheduled.ortiz, now=new_years_eve)
    assert (total.year, total.total_cents) == (2026, 8_000)


def test_module_names_are_public() -> None:
    assert set(billing_settings.__all__) >= {
        "fee_schedule", "set_fee", "set_threshold", "patient_threshold", "parse_dollars",
    }  # fmt: skip
