"""Invented people for demo data: the demo clinic's staff roster and plausible patients.

Names come from ``resources/demo_names.json`` (common US given names and surnames of varied
origins); every combination is fictional. Phone numbers use the 555 exchange, e-mail addresses the
reserved ``example.*`` domains, and NPIs carry a valid check digit but are drawn at random.
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any

from ptclinic.models import Role
from ptclinic.services.text import digits, format_phone, search_key

OTHER_STAFF_PASSWORD = "staff-demo"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    role: Role
    credentials: str = ""
    password: str = OTHER_STAFF_PASSWORD
    # Set for the accounts shown on the demo login screen.
    login_description: str = ""


def _login(username: str, name: str, role: Role, credentials: str, what: str) -> DemoStaff:
    return DemoStaff(username, name, role, credentials, f"{username}-demo", what)


# The base roster: ~20 people, as in a mid-sized outpatient clinic. The accounts with a login
# description come first in their role so they always carry a caseload.
BASE_ROSTER: tuple[DemoStaff, ...] = (
    _login("admin", "Avery Morgan", Role.ADMIN, "", "Administrator: staff, rooms, settings, audit"),
    DemoStaff("jellis", "Jordan Ellis", Role.ADMIN),
    _login("frontdesk", "Rosa Delgado", Role.FRONT_DESK, "", "Front desk: patients and schedule"),
    DemoStaff("kbrooks", "Keisha Brooks", Role.FRONT_DESK),
    DemoStaff("tnguyen", "Thanh Nguyen", Role.FRONT_DESK),
    _login("therapist", "Dana Whitfield", Role.THERAPIST, "PT, DPT", "Physical therapist"),
    DemoStaff("mokafor", "Michael Okafor", Role.THERAPIST, "PT, DPT, OCS"),
    DemoStaff("spatel", "Sunita Patel", Role.THERAPIST, "DPT"),
    DemoStaff("jkowalski", "Jan Kowalski", Role.THERAPIST, "PT"),
    DemoStaff("lhernandez", "Lucía Hernández", Role.THERAPIST, "DPT, SCS"),
    DemoStaff("bkim", "Brian Kim", Role.THERAPIST, "PT, DPT"),
    DemoStaff("efitzgerald", "Erin Fitzgerald", Role.THERAPIST, "DPT"),
    DemoStaff("cwashington", "Cedric Washington", Role.THERAPIST, "PT, OCS"),
    DemoStaff("yli", "Ying Li", Role.THERAPIST, "DPT"),
    _login("assistant", "Marcus Reed", Role.ASSISTANT, "PTA", "Physical therapist assistant"),
    DemoStaff("gflores", "Gabriela Flores", Role.ASSISTANT, "PTA"),
    DemoStaff("tjohnson", "Tyler Johnson", Role.ASSISTANT, "PTA"),
    DemoStaff("amensah", "Abena Mensah", Role.ASSISTANT, "PTA"),
    DemoStaff("rsantos", "Rodel Santos", Role.ASSISTANT, "PTA"),
    _login("student", "Priya Shah", Role.STUDENT, "SPT", "Student physical therapist"),
)

BASE_ROOMS: tuple[tuple[str, str, int], ...] = (
    *((f"Treatment {n}", "treatment", 1) for n in range(1, 11)),
    ("Evaluation 1", "evaluation", 1),
    ("Evaluation 2", "evaluation", 1),
    ("Gym", "gym", 8),
    ("Aquatic pool", "aquatic", 4),
)


@dataclass(frozen=True)
class NameLists:
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    nicknames: dict[str, str]
    streets: tuple[str, ...]
    street_suffixes: tuple[str, ...]
    towns: tuple[str, ...]
    area_codes: tuple[str, ...]


@functools.cache
def name_lists() -> NameLists:
    text = (resources.files("ptclinic") / "resources" / "demo_names.json").read_text("utf-8")
    data = json.loads(text)
    return NameLists(
        female=tuple(data["female_first_names"]),
        male=tuple(data["male_first_names"]),
        last=tuple(data["last_names"]),
        nicknames=dict(data["nicknames"]),
        streets=tuple(data["streets"]),
        street_suffixes=tuple(data["street_suffixes"]),
        towns=tuple(data["towns"]),
        area_codes=tuple(data["area_codes"]),
    )


def random_npi(rng: random.Random) -> str:
    """Ten digits starting with 1 whose last digit is the Luhn check over "80840" + the first
    nine, as real NPIs have; the number itself is random."""
    body = "1" + "".join(str(rng.randrange(10)) for _ in range(8))
    total = 0
    for position, char in enumerate(reversed("80840" + body)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def extra_clinician(rng: random.Random, role: Role, number: int) -> DemoStaff:
    """One more therapist or assistant, for data sets too large for the base roster."""
    names = name_lists()
    first = rng.choice(names.female if rng.random() < 0.6 else names.male)
    prefix, credentials = ("pt", "DPT") if role is Role.THERAPIST else ("pta", "PTA")
    return DemoStaff(
        f"{prefix}{number:02d}", f"{first} {rng.choice(names.last)}", role, credentials
    )


# (payer, kind, weight). The kind drives member-ID format and authorized visits.
_PAYERS_UNDER_65 = (
    ("Blue Cross Blue Shield of Illinois", "commercial", 24),
    ("UnitedHealthcare", "commercial", 15),
    ("Aetna", "commercial", 11),
    ("Cigna", "commercial", 8),
    ("Humana", "commercial", 3),
    ("Illinois Medicaid", "medicaid", 11),
    ("TRICARE", "tricare", 2),
    ("Workers' compensation", "workers_comp", 9),
    ("Auto insurance (motor vehicle accident)", "auto", 3),
    ("Self-pay", "self_pay", 5),
)
_PAYERS_65_PLUS = (
    ("Medicare", "medicare", 58),
    ("Humana Medicare Advantage", "medicare_advantage", 12),
    ("UnitedHealthcare Medicare Advantage", "medicare_advantage", 10),
    ("Aetna Medicare", "medicare_advantage", 6),
    ("Blue Cross Blue Shield of Illinois", "commercial", 8),
    ("Illinois Medicaid", "medicaid", 3),
    ("Self-pay", "self_pay", 3),
)
_LANGUAGES = (
    ("English", 84.0), ("Spanish", 9.0), ("Polish", 1.4), ("Vietnamese", 0.9), ("Mandarin", 0.9),
    ("Korean", 0.7), ("Arabic", 0.8), ("Tagalog", 0.6), ("Russian", 0.6), ("Hindi", 0.4),
    ("Urdu", 0.3), ("Gujarati", 0.2), ("American Sign Language", 0.2),
)  # fmt: skip
_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # Medicare Beneficiary IDs never use S, L, O, I, B, Z


def _weighted(rng: random.Random, table: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    return rng.choices(table, weights=[row[-1] for row in table])[0]


def _member_id(rng: random.Random, kind: str, registered: date) -> str:
    def nums(n: int) -> str:
        return "".join(str(rng.randrange(10)) for _ in range(n))

    if kind == "medicare":
        a, n = _MBI_LETTERS, "0123456789"
        mbi = [rng.choice("123456789"), rng.choice(a), rng.choice(a + n), rng.choice(n)]
        mbi += [rng.choice(a), rng.choice(a + n), rng.choice(n)]
        mbi += [rng.choice(a), rng.choice(a), rng.choice(n), rng.choice(n)]
        text = "".join(mbi)
        return f"{text[:4]}-{text[4:7]}-{text[7:]}"
    if kind == "workers_comp":
        return f"WC-{registered.year}-{nums(6)}"
    if kind == "self_pay":
        return ""
    if kind == "commercial":
        return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)) + nums(9)
    return nums(9 if kind != "auto" else 10)


@dataclass(frozen=True)
class PatientFacts:
    """What the schedule needs to know about a generated patient."""

    payer_kind: str
    age: int


def _age(rng: random.Random) -> int:
    # Outpatient physical therapy skews middle-aged and older; adults only.
    return max(18, min(95, round(rng.gauss(54, 17))))


def _person_phone(rng: random.Random, names: NameLists) -> str:
    return format_phone(f"{rng.choice(names.area_codes)}555{rng.randrange(10_000):04d}")


def referring_physicians(rng: random.Random, count: int = 40) -> list[str]:
    names = name_lists()
    return [
        f"{rng.choice(names.female + names.male)} {rng.choice(names.last)}, "
        f"{rng.choice(('MD', 'MD', 'MD', 'DO', 'PA-C', 'NP'))}"
        for _ in range(count)
    ]


def patient_row(
    rng: random.Random,
    *,
    chart_number: str,
    registered_at: datetime,
    today: date,
    registered_by: int,
    physicians: list[str],
) -> tuple[dict[str, Any], PatientFacts]:
    """One patient as a dict of column values (search keys included) for a bulk INSERT."""
    names = name_lists()
    female = rng.random() < 0.56  # women are the majority of outpatient PT patients
    first = rng.choice(names.female if female else names.male)
    last = rng.choice(names.last)
    if rng.random() < 0.03:
        last = f"{last}-{rng.choice(names.last)}"
    sex = "female" if female else "male"
    if (roll := rng.random()) < 0.015:
        sex = "unknown" if roll < 0.01 else "other"
    age = _age(rng)
    dob = today - timedelta(days=int(age * 365.2425) + rng.randrange(1, 365))
    payer, kind, _weight = _weighted(rng, _PAYERS_65_PLUS if age >= 65 else _PAYERS_UNDER_65)
    phone = _person_phone(rng, names)
    email = ""
    if rng.random() < 0.8:
        local = f"{search_key(first)}.{search_key(last)}"
        if rng.random() < 0.4:
            local = f"{search_key(first)[:1]}{search_key(last)}{rng.randrange(10, 100)}"
        email = f"{local}@{rng.choice(('example.com', 'example.org', 'example.net'))}"
    address = ""
    if rng.random() < 0.95:
        unit = f" Apt {rng.randint(1, 4)}{rng.choice('ABCD')}" if rng.random() < 0.2 else ""
        address = (
            f"{rng.randint(100, 9899)} {rng.choice(names.streets)} "
            f"{rng.choice(names.street_suffixes)}{unit}, {rng.choice(names.towns)}"
        )
    contact_name = contact_phone = ""
    if rng.random() < 0.7:
        contact_last = last if rng.random() < 0.6 else rng.choice(names.last)
        contact_name = f"{rng.choice(names.female + names.male)} {contact_last}"
        contact_phone = _person_phone(rng, names)
    row: dict[str, Any] = {
        "chart_number": chart_number,
        "last_name": last,
        "first_name": first,
        "preferred_name": names.nicknames.get(first, "") if rng.random() < 0.3 else "",
        "date_of_birth": dob,
        "sex": sex,
        "phone": phone,
        "email": email,
        "address": address,
        "emergency_contact_name": contact_name,
        "emergency_contact_phone": contact_phone,
        "payer": payer,
        "member_id": _member_id(rng, kind, registered_at.date()),
        "referring_physician": rng.choice(physicians) if rng.random() < 0.9 else "",
        "preferred_language": _weighted(rng, _LANGUAGES)[0],
        "active": True,
        "last_name_key": search_key(last),
        "first_name_key": search_key(first),
        "phone_digits": digits(phone),
        "phone_digits_reversed": digits(phone)[::-1],
        "created_at": registered_at,
        "updated_at": registered_at,
        "updated_by_id": registered_by,
        "version": 1,
    }
    return row, PatientFacts(payer_kind=kind, age=age)


def registration_time(rng: random.Random, day: date, now: datetime) -> datetime:
    """When the front desk registered someone first seen on ``day``: a few days before, never
    after ``now``."""
    at = datetime(day.year, day.month, day.day, 14, tzinfo=UTC) - timedelta(days=3)
    at += timedelta(minutes=rng.randrange(-300, 240))
    return min(at, now - timedelta(minutes=rng.randrange(5, 600)))
