"""The clinic's fee schedule and the yearly therapy threshold, and each patient's running total.

Public API (names and signatures kept stable for scripts): ``fee_schedule``, ``set_fee``,
``set_threshold``, ``patient_threshold``, ``parse_dollars`` and ``dollars``.

- A **fee** is the clinic's charge for one unit of a CPT code (a timed code's 15-minute unit, an
  untimed code's visit). Keeping fees is optional; a code without one bills no amount. Signing a
  note prices its charges with the fees in force at that moment (``note_signing``), so changing a
  fee never changes a note already signed.
- The **therapy threshold** is Medicare's yearly amount for PT and speech therapy combined (the
  "KX modifier" amount: $2,480.00 in 2026). Past it, each claim line needs the KX modifier and
  documented medical necessity. The app shows each patient's running total against it once the
  clinic keeps fees.
- Amounts are what a person types: "95", "95.50", "$1,095.00". Anything else is refused with a
  message that says what to type, never rounded silently.

Who may do what: administrators (``MANAGE_SETTINGS``) change fees and the threshold; everyone
may read the schedule (prices are not patient data); a patient's total is financial rather than
clinical, so any role that may view patients sees it, and each look is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import AuditEvent, BillingSettings, CptFee, Patient
from ptclinic.models.base import utcnow
from ptclinic.models.notes import DEFAULT_THERAPY_THRESHOLD_CENTS
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.billing import CPT_CODES
from ptclinic.services.clinic import clinic_today
from ptclinic.services.compliance import ThresholdTotal, threshold_total
from ptclinic.services.errors import NotFound, StaleRecordError, ValidationError
from ptclinic.services.permissions import Permission, can, require

__all__ = [
    "MAX_FEE_CENTS",
    "MAX_THRESHOLD_CENTS",
    "FeeLine",
    "FeeSchedule",
    "Threshold",
    "ThresholdTotal",
    "dollars",
    "fee_schedule",
    "parse_dollars",
    "patient_threshold",
    "set_fee",
    "set_threshold",
]

# More than this for one unit of one code, or as a yearly threshold, is a typing slip.
MAX_FEE_CENTS = 10_000_00
MAX_THRESHOLD_CENTS = 100_000_00
# A look at a patient's total this soon after the same person's audited view of the patient
# (opening the chart, which shows the total) is part of that view, not a new one: the log
# keeps one line per look instead of one per refresh.
VIEW_COVERS = timedelta(minutes=15)

# "$1,095.00", "1095", "95.5", ".50": an optional dollar sign, whole dollars (commas only
# between groups of three), and at most two digits of cents after a point.
_AMOUNT = re.compile(r"^\$?\s*(?P<dollars>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<cents>\d*))?$")
_NUMBERISH = re.compile(r"^\$?\s*[\d,]*(?:\.\d*)?$")


@dataclass(frozen=True)
class FeeLine:
    """One CPT code of the catalogue with the clinic's fee per unit (None: no fee kept)."""

    code: str
    description: str
    timed: bool
    amount_cents: int | None

    @property
    def label(self) -> str:
        return f"{self.code} {self.description}"


@dataclass(frozen=True)
class Threshold:
    """The yearly therapy threshold and the version to send back when changing it."""

    cents: int
    version: int


@dataclass(frozen=True)
class FeeSchedule:
    """Every code of the catalogue, in its order, with its fee; and the therapy threshold."""

    fees: tuple[FeeLine, ...]
    threshold: Threshold

    def fee(self, code: str) -> int | None:
        """The fee of ``code`` in cents, None when the clinic keeps none (or it is unknown)."""
        return next((line.amount_cents for line in self.fees if line.code == code), None)

    @property
    def has_fees(self) -> bool:
        """Whether any fee is kept: without one no patient total can be shown."""
        return any(line.amount_cents is not None for line in self.fees)


def dollars(cents: int) -> str:
    """ "$1,095.00" for 109500."""
    return f"${cents / 100:,.2f}"


def parse_dollars(
    text: str, what: str, maximum_cents: int, *, example: str = "95.50"
) -> int | None:
    """The amount a person typed, in cents; None for an empty field.

    Takes "95", "95.5", "95.50", ".50", "$1,095.00" and "1095". Refuses, with a
    ``ValidationError`` keyed "amount" whose message starts with ``what`` ("The fee for 97110
    Therapeutic exercise") and shows ``example`` as what to type: a negative amount, more than
    two digits of cents, a comma used for cents ("95,50"), anything that is not a number, and
    more than ``maximum_cents``.
    """
    typed = " ".join(str(text).split())
    if not typed:
        return None

    def refuse(message: str) -> ValidationError:
        return ValidationError({"amount": message})

    not_money = refuse(
        f"{what}: “{typed}” is not an amount of money; type dollars and cents, e.g. {example}."
    )
    if typed.startswith(("-", "$-", "$ -", "(", "−")):
        raise refuse(f"{what} cannot be negative.")
    match = _AMOUNT.match(typed)
    if match is None:
        if _NUMBERISH.match(typed) and "," in typed:
            raise refuse(
                f"{what}: write cents after a point, as in {example} (a comma only separates "
                "thousands, as in 1,095.00)."
            )
        raise not_money
    whole, cents = match["dollars"], match["cents"] or ""
    if not whole and not cents:
        raise not_money
    if len(cents) > 2:
        raise refuse(
            f"{what}: “{typed}” has more than two digits after the point; type dollars and "
            f"cents, e.g. {example}."
        )
    amount = int(whole.replace(",", "") or "0") * 100 + int(cents.ljust(2, "0"))
    if amount > maximum_cents:
        raise refuse(
            f"{what} cannot be more than {dollars(maximum_cents)}: {dollars(amount)} was typed."
        )
    return amount


# --- the fee schedule -------------------------------------------------------------------------


def _threshold(session: Session) -> Threshold:
    row = session.get(BillingSettings, 1)
    if row is None:  # migration 0007 seeds the row; an empty table means the default
        return Threshold(DEFAULT_THERAPY_THRESHOLD_CENTS, 0)
    return Threshold(row.therapy_threshold_cents, row.version)


def fee_schedule(db: Database, actor: Actor) -> FeeSchedule:
    """Every code of the clinic's CPT list, in the list's order, with its fee per unit in cents
    (None where the clinic keeps none), and the therapy threshold with its version."""
    if not can(actor, Permission.MANAGE_SETTINGS):
        require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        rows = session.execute(select(CptFee.cpt_code, CptFee.amount_cents))
        fees = {code: cents for code, cents in rows}
        threshold = _threshold(session)
    lines = tuple(
        FeeLine(entry.code, entry.description, entry.timed, fees.get(entry.code))
        for entry in CPT_CODES.values()
    )
    return FeeSchedule(lines, threshold)


def _was(cents: int | None) -> str:
    return "none" if cents is None else dollars(cents)


def _write_fee(session: Session, actor: Actor, line: FeeLine, cents: int | None) -> None:
    row = session.get(CptFee, line.code)
    before = None if row is None else row.amount_cents
    if cents is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(CptFee(cpt_code=line.code, amount_cents=cents))
    else:
        row.amount_cents = cents
    audit.record(
        session,
        AuditAction.CHANGE,
        actor=actor,
        entity_type="cpt_fee",
        summary=f"fee for {line.label}: {_was(cents)} (was {_was(before)})",
    )
    session.flush()


def set_fee(db: Database, actor: Actor, code: str, amount: str | None) -> FeeLine:
    """Set the fee for one unit of ``code`` from what was typed ("95", "95.50", "$1,095.00");
    an empty ``amount`` (or None) clears it, so the code bills no amount from then on.

    Administrators only. Raises ``ValidationError`` keyed "code" for a code not in the
    clinic's CPT list, keyed "amount" for a negative amount, more than two digits of cents,
    text, or more than $10,000.00. Returns the code with its new fee. Notes signed earlier
    keep the amounts they were signed with.
    """
    require(actor, Permission.MANAGE_SETTINGS)
    entry = CPT_CODES.get(code) if isinstance(code, str) else None
    if entry is None:
        raise ValidationError({"code": f"“{code}” is not in the clinic's CPT list."})
    cents = parse_dollars(amount or "", f"The fee for {entry.label}", MAX_FEE_CENTS)
    line = FeeLine(entry.code, entry.description, entry.timed, cents)
    try:
        with db.session() as session:
            _write_fee(session, actor, line, cents)
    except IntegrityError:
        # Another workstation added this code's fee at the same moment: the row exists now,
        # so this is an ordinary change of it (the later save wins, as with any typed value).
        with db.session() as session:
            _write_fee(session, actor, line, cents)
    return line


# --- the therapy threshold --------------------------------------------------------------------


def _stale() -> StaleRecordError:
    return StaleRecordError(
        "Someone else changed the therapy threshold while you were editing. Nothing was saved: "
        "reload to see theirs."
    )


def set_threshold(db: Database, actor: Actor, amount: str, expected_version: int) -> Threshold:
    """Set the yearly therapy threshold from what was typed ("2,480.00", "$2480").

    Administrators only. ``expected_version`` is the version that was read (``Threshold.version``
    from ``fee_schedule``); if someone has changed it since, ``StaleRecordError`` and nothing is
    saved. Raises ``ValidationError`` keyed "amount" for an empty or zero amount, a negative one,
    more than two digits of cents, text, or more than $100,000.00. Returns the new threshold.
    """
    require(actor, Permission.MANAGE_SETTINGS)
    what = "The therapy threshold"
    cents = parse_dollars(amount, what, MAX_THRESHOLD_CENTS, example="2,480.00")
    medicare = f"Medicare's for 2026 is {dollars(DEFAULT_THERAPY_THRESHOLD_CENTS)}"
    if cents is None:
        raise ValidationError({"amount": f"Type the therapy threshold: {medicare}."})
    if cents == 0:
        raise ValidationError({"amount": f"{what} must be more than $0.00: {medicare}."})
    try:
        with db.session() as session:
            row = session.get(BillingSettings, 1)
            before = _threshold(session)
            if before.version != expected_version:
                raise _stale()
            if row is None:
                row = BillingSettings(id=1, therapy_threshold_cents=cents)
                session.add(row)
            else:
                row.therapy_threshold_cents = cents
            audit.record(
                session,
                AuditAction.CHANGE,
                actor=actor,
                entity_type="billing_settings",
                entity_id=1,
                summary=f"therapy threshold: {dollars(cents)} (was {dollars(before.cents)})",
            )
            session.flush()
            return Threshold(row.therapy_threshold_cents, row.version)
    except (StaleDataError, IntegrityError) as exc:
        raise _stale() from exc


# --- a patient's running total ----------------------------------------------------------------


def patient_threshold(
    db: Database,
    actor: Actor,
    patient_id: int,
    year: int | None = None,
    now: datetime | None = None,
) -> ThresholdTotal:
    """What the patient's signed notes have billed in ``year`` (the clinic's current year by
    default, as of ``now``) against the therapy threshold. ``ThresholdTotal.words()`` gives the
    sentence for the chart, "" when the clinic keeps no fees.

    Any role that may view patients; each look is audited as a view of the patient's record,
    unless the same person's view of the patient was audited within the last 15 minutes (the
    chart that shows the total audits its own opening).
    """
    require(actor, Permission.VIEW_PATIENTS)
    chosen = year if year is not None else clinic_today(db, now).year
    with db.session() as session:
        if session.get(Patient, patient_id) is None:
            raise NotFound("That patient record does not exist.")
        total = threshold_total(session, patient_id, chosen)
        if not _viewed_recently(session, actor, patient_id):
            audit.record(
                session,
                AuditAction.VIEW,
                actor=actor,
                entity_type="patient",
                entity_id=patient_id,
                patient_id=patient_id,
                summary=f"therapy threshold total for {chosen}",
            )
    return total


def _viewed_recently(session: Session, actor: Actor, patient_id: int) -> bool:
    last = session.scalar(
        select(AuditEvent.occurred_at)
        .where(
            AuditEvent.actor_id == actor.staff_id,
            AuditEvent.patient_id == patient_id,
            AuditEvent.action == AuditAction.VIEW.value,
        )
        .order_by(AuditEvent.occurred_at.desc())
        .limit(1)
    )
    return last is not None and utcnow() - last < VIEW_COVERS
