"""Find-as-you-type patient search: names, chart number, phone digits or date of birth.

Every criterion is a prefix range over an indexed, normalised key column, so a query over 50,000
patients touches only the matching index entries; sorting and paging happen in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from ptclinic.db import Database
from ptclinic.models import Patient
from ptclinic.services.actor import Actor
from ptclinic.services.errors import NotFound
from ptclinic.services.permissions import Permission, require
from ptclinic.services.text import digits, search_key

PAGE_SIZE = 100
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y")
_PHONE_PUNCTUATION = set("0123456789 ()-.+/")


@dataclass(frozen=True)
class PatientSummary:
    id: int
    chart_number: str
    last_name: str
    first_name: str
    preferred_name: str
    date_of_birth: date
    phone: str
    active: bool

    @property
    def display_name(self) -> str:
        preferred = f" ({self.preferred_name})" if self.preferred_name else ""
        return f"{self.last_name}, {self.first_name}{preferred}"


def parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _prefix(column: InstrumentedAttribute[str], key: str) -> ColumnElement[bool]:
    # Keys compare by code point (UTF-8 bytes under PostgreSQL's "C" collation and SQLite's
    # binary one), so bumping the last character gives the exclusive upper bound.
    upper = key[:-1] + chr(ord(key[-1]) + 1)
    return and_(column >= key, column < upper)


def _criteria(text: str) -> tuple[ColumnElement[bool], ColumnElement[int]]:
    """The WHERE clause and a rank (lower is better) for one query string."""
    text = text.strip()
    if (dob := parse_date(text)) is not None:
        return Patient.date_of_birth == dob, case((Patient.date_of_birth == dob, 0), else_=0)
    number = digits(text)
    if number and set(text) <= _PHONE_PUNCTUATION and len(number) >= 2:
        clauses = [_prefix(Patient.chart_number, number), _prefix(Patient.phone_digits, number)]
        if len(number) >= 4:
            clauses.append(_prefix(Patient.phone_digits_reversed, number[::-1]))
        rank = case(
            (Patient.chart_number == number, 0),
            (_prefix(Patient.chart_number, number), 1),
            else_=2,
        )
        return or_(*clauses), rank
    if "," in text:
        last, _, first = text.partition(",")
        tokens = [search_key(last), search_key(first)]
        pairs = [(tokens[0], tokens[1])]
    else:
        tokens = [search_key(t) for t in text.split()]
        tokens = [t for t in tokens if t]
        pairs = [(tokens[0], tokens[-1]), (tokens[-1], tokens[0])] if len(tokens) > 1 else []
    if not any(tokens):
        return false(), case((false(), 0), else_=0)
    if not pairs:
        key = tokens[0]
        # Last-name matches before first-name matches; within each, alphabetical (so an exact
        # last name, being the shortest key with that prefix, comes first on its own).
        rank = case((_prefix(Patient.last_name_key, key), 0), else_=1)
        return or_(_prefix(Patient.last_name_key, key), _prefix(Patient.first_name_key, key)), rank
    clauses = []
    for last, first in pairs:
        clause = _prefix(Patient.last_name_key, last) if last else None
        if first:
            first_clause = _prefix(Patient.first_name_key, first)
            clause = first_clause if clause is None else and_(clause, first_clause)
        if clause is not None:
            clauses.append(clause)
    rank = case((Patient.last_name_key == pairs[0][0], 0), else_=1)
    return or_(*clauses), rank


_SUMMARY_COLUMNS = (
    Patient.id,
    Patient.chart_number,
    Patient.last_name,
    Patient.first_name,
    Patient.preferred_name,
    Patient.date_of_birth,
    Patient.phone,
    Patient.active,
)


def patient_summary(db: Database, actor: Actor, patient_id: int) -> PatientSummary:
    """The search's summary of one patient, for a screen that knows the patient already (a
    waitlist entry, a visit) and offers them as the search would."""
    require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        row = session.execute(
            select(*_SUMMARY_COLUMNS).where(Patient.id == patient_id)
        ).one_or_none()
    if row is None:
        raise NotFound("That patient record does not exist.")
    return PatientSummary(*row)


def search_patients(
    db: Database,
    actor: Actor,
    text: str,
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    include_inactive: bool = False,
) -> list[PatientSummary]:
    """Patients matching ``text``, best matches first, one page at a time.

    ``text`` may be a last-name prefix ("smi"), "last, first" or "first last" prefixes, a chart
    number or phone digits (full number, its start or its last four), or a date of birth
    (YYYY-MM-DD or MM/DD/YYYY). An empty query finds nobody.
    """
    require(actor, Permission.VIEW_PATIENTS)
    if not text.strip():
        return []
    where, rank = _criteria(text)
    if not include_inactive:
        where = and_(where, Patient.active.is_(True))
    query = (
        select(*_SUMMARY_COLUMNS)
        .where(where)
        .order_by(rank, Patient.last_name_key, Patient.first_name_key, Patient.id)
        .offset(offset)
        .limit(limit)
    )
    with db.session() as session:
        return [PatientSummary(*row) for row in session.execute(query)]
