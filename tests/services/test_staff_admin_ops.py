"""Operations the administration screen needs beyond adding staff: correcting a person's details."""

import pytest

from ptclinic.db import Database
from ptclinic.models import Role
from ptclinic.services import audit, staff
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditFilter
from ptclinic.services.errors import NotFound, PermissionDenied, ValidationError


def _by_name(db: Database, username: str) -> staff.StaffSummary:
    return next(s for s in staff.list_staff(db) if s.username == username)


def test_details_are_corrected_cleaned_and_audited(
    clinic_db: Database, admin: Actor, make_staff
) -> None:  # type: ignore[no-untyped-def]
    make_staff("jlee", Role.THERAPIST)
    updated = staff.update_details(
        clinic_db,
        admin,
        "JLee",
        staff.StaffDetails("  Jordan   Lee ", " DPT, OCS ", " 1234567890 "),
    )
    assert (updated.full_name, updated.credentials, updated.npi) == (
        "Jordan Lee",
        "DPT, OCS",
        "1234567890",
    )
    assert _by_name(clinic_db, "jlee").full_name == "Jordan Lee"
    newest = audit.list_events(clinic_db, admin, AuditFilter(action="change"), limit=1)[0]
    assert newest.username == "admin" and "jlee" in newest.summary


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (staff.StaffDetails("  "), "full_name"),
        (staff.StaffDetails("Jordan Lee", npi="12345"), "npi"),
        (staff.StaffDetails("Jordan Lee", credentials="x" * 41), "credentials"),
    ],
)
def test_bad_details_are_refused_and_nothing_changes(
    clinic_db: Database, admin: Actor, make_staff, details: staff.StaffDetails, field: str
) -> None:  # type: ignore[no-untyped-def]
    make_staff("jlee", Role.THERAPIST)
    before = _by_name(clinic_db, "jlee")
    with pytest.raises(ValidationError) as caught:
        staff.update_details(clinic_db, admin, "jlee", details)
    assert field in caught.value.field_errors
    assert _by_name(clinic_db, "jlee") == before


def test_only_administrators_correct_details(clinic_db: Database, therapist: Actor) -> None:
    with pytest.raises(PermissionDenied):
        staff.update_details(clinic_db, therapist, "therapist", staff.StaffDetails("Me Myself"))


def test_unknown_username_is_reported(clinic_db: Database, admin: Actor) -> None:
    with pytest.raises(NotFound):
        staff.update_details(clinic_db, admin, "nobody", staff.StaffDetails("No Body"))


def test_a_change_based_on_an_old_view_of_the_account_is_refused(
    clinic_db: Database, admin: Actor, therapist: Actor
) -> None:
    from ptclinic.services.errors import StaleRecordError

    seen = _by_name(clinic_db, "therapist")
    staff.update_details(clinic_db, admin, "therapist", staff.StaffDetails("Terry Newname"))
    with pytest.raises(StaleRecordError, match="Another administrator changed"):
        staff.update_details(
            clinic_db, admin, "therapist", staff.StaffDetails("Terry Oldview"), seen=seen
        )
    staff.set_role(clinic_db, admin, "therapist", Role.STUDENT.value)
    with pytest.raises(StaleRecordError):
        staff.set_role(clinic_db, admin, "therapist", Role.ASSISTANT.value, seen=seen)
    assert _by_name(clinic_db, "therapist").full_name == "Terry Newname"
    # The person's own log-ins (which touch the account's lockout counters) are no conflict.
    auth_seen = _by_name(clinic_db, "therapist")
    from ptclinic.services import auth
    from tests.conftest import PASSWORD

    auth.authenticate(clinic_db, "therapist", PASSWORD)
    staff.set_role(clinic_db, admin, "therapist", Role.ASSISTANT.value, seen=auth_seen)
    assert _by_name(clinic_db, "therapist").role == Role.ASSISTANT.value
