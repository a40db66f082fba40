"""What a patient record may contain: the input shape, the checks, and their messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date

from dateutil.relativedelta import relativedelta

from ptclinic.services.errors import ValidationError
from ptclinic.services.text import clean_line, digits, format_phone

MAX_AGE_YEARS = 120
SEXES = ("female", "male", "other", "unknown")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class PatientInput:
    """Demographics as typed on the registration form. Only the names and date of birth are
    required; everything else may be left empty."""

    last_name: str
    first_name: str
    date_of_birth: date | None
    preferred_name: str = ""
    sex: str = "unknown"
    phone: str = ""
    email: str = ""
    address: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    payer: str = ""
    member_id: str = ""
    referring_physician: str = ""
    preferred_language: str = "English"


FIELD_LABELS = {
    "last_name": "Last name",
    "first_name": "First name",
    "date_of_birth": "Date of birth",
    "preferred_name": "Preferred name",
    "sex": "Sex",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
    "emergency_contact_name": "Emergency contact",
    "emergency_contact_phone": "Emergency contact phone",
    "payer": "Payer",
    "member_id": "Member ID",
    "referring_physician": "Referring physician",
    "preferred_language": "Preferred language",
}

MAX_LENGTHS = {
    "last_name": 80,
    "first_name": 80,
    "preferred_name": 80,
    "phone": 40,
    "email": 120,
    "address": 200,
    "emergency_contact_name": 120,
    "emergency_contact_phone": 40,
    "payer": 120,
    "member_id": 60,
    "referring_physician": 120,
    "preferred_language": 40,
}


def _phone_problem(label: str, value: str) -> str | None:
    if not value:
        return None
    if re.search(r"[^0-9+().\-\s/x]", value.lower()):
        return f"{label} may contain only digits, spaces and + ( ) - . characters."
    count = len(digits(value))
    if value.strip().startswith("+"):
        if not 8 <= count <= 15:
            return f"{label} in international form needs 8 to 15 digits after the +."
    elif count not in (10, 11):
        return f"{label} needs 10 digits with the area code, e.g. (555) 123-4567."
    return None


def validate_patient(data: PatientInput, today: date) -> PatientInput:
    """Return a tidied copy of the input, or raise ValidationError naming every problem."""
    tidied: dict[str, object] = {
        f.name: clean_line(getattr(data, f.name))
        for f in fields(data)
        if isinstance(getattr(data, f.name), str)
    }
    cleaned = replace(data, **tidied)  # type: ignore[arg-type]
    errors: dict[str, str] = {}
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(cleaned, name)) > limit:
            errors[name] = f"{FIELD_LABELS[name]} is too long (at most {limit} characters)."
    for name in ("last_name", "first_name"):
        if not getattr(cleaned, name):
            errors[name] = f"{FIELD_LABELS[name]} is required."
    dob = cleaned.date_of_birth
    if dob is None:
        errors["date_of_birth"] = "Date of birth is required."
    elif dob > today:
        errors["date_of_birth"] = "Date of birth is in the future — check the year."
    elif dob < today - relativedelta(years=MAX_AGE_YEARS):
        errors["date_of_birth"] = (
            f"Date of birth is more than {MAX_AGE_YEARS} years ago — check the year."
        )
    if cleaned.sex not in SEXES:
        errors["sex"] = "Choose female, male, other or unknown."
    for name in ("phone", "emergency_contact_phone"):
        problem = _phone_problem(FIELD_LABELS[name], getattr(cleaned, name))
        if problem:
            errors[name] = problem
    if cleaned.email and not _EMAIL.match(cleaned.email):
        errors["email"] = "Email does not look right — it should be like name@example.com."
    if errors:
        raise ValidationError(errors)
    return replace(
        cleaned,
        phone=format_phone(cleaned.phone),
        emergency_contact_phone=format_phone(cleaned.emergency_contact_phone),
        email=cleaned.email.lower(),
        preferred_language=cleaned.preferred_language or "English",
    )


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on ``day`` (a Feb 29 birthday falls on Feb 28 in other years)."""
    return relativedelta(day, date_of_birth).years
