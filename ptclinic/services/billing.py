"""Billing units for a visit note: how the minutes spent on each CPT code become billed units.

Public API used by scripts (keep the names and signatures stable): ``timed_units``. The rest
(``CPT_CODES``, ``billing_lines``, ``units_explained``, ``method_for_payer`` …) serves the
visit-note screen and may grow.

The rules, and why:
- A **timed** code (therapeutic exercise, manual therapy, …) is billed in 15-minute units; an
  **untimed** code (an evaluation, hot or cold packs, unattended electrical stimulation) is billed
  once per visit whatever its length, so it never takes part in the minute arithmetic.
- The 15-minute table: fewer than 8 minutes earn no unit; after that a unit for every full 15
  minutes, plus one more when 8 or more minutes are left over (8-22 → 1, 23-37 → 2, 38-52 → 3,
  53-67 → 4 …). 8 is the midpoint of a 15-minute unit: more than half a unit counts as a unit.
- **Medicare** (and most state Medicaid programs) apply the table once to the *total* timed
  minutes of the visit: the CMS "8-minute rule" (Medicare Claims Processing Manual, chapter 5,
  §20.2). Short pieces of several codes can add up to a unit none of them earns alone.
- Many **commercial** payers apply the table to each code on its own, so a 7-minute piece of
  one code earns nothing.
- Minutes are whole numbers from 0 to 480 (a whole working day) per code: anything else is a
  typing slip, refused with a message naming the code, never silently rounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ptclinic.services.errors import ValidationError

UNIT_MINUTES = 15
# Half a unit and a bit: from 8 minutes on, a part-unit counts as a whole one.
MIN_MINUTES_FOR_A_UNIT = 8
# More than a whole working day on one code in one visit is a typing slip.
MAX_MINUTES_PER_CODE = 480

CMS = "cms"
PER_CODE = "per_code"
METHOD_LABELS: Mapping[str, str] = MappingProxyType(
    {
        CMS: "CMS 8-minute rule (total timed minutes)",
        PER_CODE: "Each code on its own (8 minutes or more per code)",
    }
)

METHOD_BY_PAYER: Mapping[str, str] = MappingProxyType(
    {  # keys are the values of ``ptclinic.services.episodes.PayerType``
        "medicare": CMS,
        # Most state Medicaid programs follow the CMS rule; a state that does not is the
        # exception the clinic's biller knows about.
        "medicaid": CMS,
        "commercial": PER_CODE,
        "workers_comp": PER_CODE,
        "auto": PER_CODE,
        "self_pay": PER_CODE,
        "other": PER_CODE,
    }
)


@dataclass(frozen=True)
class CptCode:
    code: str
    description: str
    timed: bool  # True: billed in 15-minute units; False: one unit per visit

    @property
    def label(self) -> str:
        """ "97110 Therapeutic exercise", as messages and the grid name a code."""
        return f"{self.code} {self.description}"


def _catalogue(*codes: CptCode) -> Mapping[str, CptCode]:
    return MappingProxyType({c.code: c for c in codes})


# In the order a therapist picks them: evaluations, then the timed treatments, then the rest.
CPT_CODES: Mapping[str, CptCode] = _catalogue(
    CptCode("97161", "PT evaluation, low complexity", timed=False),
    CptCode("97162", "PT evaluation, moderate complexity", timed=False),
    CptCode("97163", "PT evaluation, high complexity", timed=False),
    CptCode("97164", "PT re-evaluation", timed=False),
    CptCode("97110", "Therapeutic exercise", timed=True),
    CptCode("97112", "Neuromuscular re-education", timed=True),
    CptCode("97116", "Gait training", timed=True),
    CptCode("97140", "Manual therapy", timed=True),
    CptCode("97530", "Therapeutic activities", timed=True),
    CptCode("97535", "Self-care/home management training", timed=True),
    CptCode("97032", "Electrical stimulation (attended)", timed=True),
    CptCode("97035", "Ultrasound", timed=True),
    CptCode("97750", "Physical performance test", timed=True),
    CptCode("97010", "Hot or cold packs", timed=False),
    CptCode("97014", "Electrical stimulation (unattended)", timed=False),
)


def _not_in_catalogue(code: object) -> str:
    text = str(code)
    if not isinstance(code, str) and text in CPT_CODES:
        return f"CPT code {text} must be given as text, “{text}”, not as a number."
    if text.strip() in CPT_CODES:
        return f"“{text}” is not in the clinic's CPT list: remove the spaces around {text.strip()}."
    return f"“{text}” is not in the clinic's CPT list."


def _entry(code: str) -> CptCode:
    entry = CPT_CODES.get(code) if isinstance(code, str) else None
    if entry is None:
        raise ValidationError({str(code): _not_in_catalogue(code)})
    return entry


def is_timed(code: str) -> bool:
    """Whether ``code`` is billed in 15-minute units (``ValidationError`` if not in the list)."""
    return _entry(code).timed


def describe(code: str) -> str:
    """The short description of ``code``, e.g. "Therapeutic exercise"."""
    return _entry(code).description


def method_for_payer(payer_type: str) -> str:
    """The billing method for an episode's payer type: ``"cms"`` for Medicare and Medicaid,
    ``"per_code"`` for every other payer (a ``PayerType`` or its value; case is ignored)."""
    return METHOD_BY_PAYER.get(str(payer_type).strip().lower(), PER_CODE)


def units_for_minutes(minutes: int) -> int:
    """The 15-minute table: 0-7 → 0, 8-22 → 1, 23-37 → 2, 38-52 → 3, 53-67 → 4 …"""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        raise ValidationError(
            {"minutes": f"Minutes must be a whole number from 0; “{minutes}” is not."}
        )
    full, left = divmod(minutes, UNIT_MINUTES)
    return full + (1 if left >= MIN_MINUTES_FOR_A_UNIT else 0)


def _unknown_method(method: object) -> str:
    known = "; ".join(f"“{m}” = {label}" for m, label in METHOD_LABELS.items())
    if isinstance(method, str) and method in METHOD_BY_PAYER:
        payer = f"“{method}” is a payer type, not a billing method (its method is "
        return payer + f"“{METHOD_BY_PAYER[method]}”). Use one of: {known}."
    return f"“{method}” is not a billing method. Use one of: {known}."


def _checked(minutes_by_code: Mapping[str, int], method: str | None = None) -> dict[str, int]:
    """The input, every problem reported at once (field key: the code, or "method")."""
    errors: dict[str, str] = {}
    if method is not None and method not in METHOD_LABELS:
        errors["method"] = _unknown_method(method)
    checked: dict[str, int] = {}
    for code, minutes in minutes_by_code.items():
        entry = CPT_CODES.get(code) if isinstance(code, str) else None
        if entry is None:
            # setdefault: the number 97110 must not hide a problem with the text "97110"
            errors.setdefault(str(code), _not_in_catalogue(code))
            continue
        what = f"Minutes for {entry.label}"
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            errors[code] = f"{what} must be a whole number of minutes, not “{minutes}”."
        elif minutes < 0:
            errors[code] = f"{what} cannot be negative."
        elif minutes > MAX_MINUTES_PER_CODE:
            errors[code] = (
                f"{what} cannot be more than {MAX_MINUTES_PER_CODE} (8 hours) in one visit; "
                f"{minutes} were given."
            )
        else:
            checked[code] = minutes
    if errors:
        raise ValidationError(errors)
    return checked


def _timed_minutes(checked: Mapping[str, int]) -> dict[str, int]:
    return {code: m for code, m in checked.items() if CPT_CODES[code].timed}


def timed_units(minutes_by_code: Mapping[str, int], method: str = CMS) -> dict[str, int]:
    """The timed units each CPT code earns at one visit.

    ``minutes_by_code`` maps each code performed (exactly as in ``CPT_CODES``, e.g. "97110") to
    the whole minutes spent on it. Returns every given code with its units: an untimed code
    always gets 0 here (it is billed once per visit, see ``billing_lines``, and its minutes do
    not count toward any total), as does a code with 0 minutes.

    ``method="cms"``, the CMS 8-minute rule (Medicare Claims Processing Manual ch. 5 §20.2):
    the *total* timed minutes decide how many units the visit earns, by the 15-minute table
    (fewer than 8 → 0; 8-22 → 1; 23-37 → 2; 38-52 → 3; 53-67 → 4 …). Those units then go to
    the codes: first each code gets one unit for every full 15 minutes of its own; the units
    left go one each to the codes with the most minutes left over (on a tie, the code given
    first in ``minutes_by_code``). A code can receive such a unit with fewer than 8 minutes of
    its own, and never receives more than one. CMS's worked examples:

    - 33 min 97110 + 7 min 97140 = 40 min → 3 units: 97110 2, 97140 1.
    - 24 min 97112 + 23 min 97110 = 47 min → 3 units: 97112 2, 97110 1 (9 minutes left over
      beat 8).
    - 7 min each of 97110, 97140, 97035 = 21 min → 1 unit, to 97110 (the first given).
    - 5 min of one code alone → 0 units.
    - 33 min 97110 + 7 min 97140 + 7 min 97035 = 47 min → 3 units: 97110 2, 97140 1, 97035 0.
    - 20 min 97112 + 20 min 97110 = 40 min → 3 units: 97112 2, 97110 1.

    ``method="per_code"``, what many commercial payers do: each code by the table on its own,
    so 33 min 97110 + 7 min 97140 → 97110 2, 97140 0.

    ``method_for_payer`` gives the method for an episode's payer type. Raises
    ``ValidationError`` (keyed by the code, or "method") for a code not in the clinic's CPT
    list, minutes that are not a whole number (``True`` and ``7.5`` are refused), negative, or
    over 480 for one code, and for an unknown method.
    """
    checked = _checked(minutes_by_code, method)
    timed = _timed_minutes(checked)
    units = {code: 0 for code in checked}
    if method == PER_CODE:
        units.update({code: units_for_minutes(m) for code, m in timed.items()})
        return units
    for code, minutes in timed.items():
        units[code] = minutes // UNIT_MINUTES
    left_to_share = units_for_minutes(sum(timed.values())) - sum(units.values())
    # Codes with minutes left over, the most first; sorted() is stable, so ties keep the
    # caller's order. There are always at least as many of them as units left to share.
    leftovers = sorted(
        (code for code, m in timed.items() if m % UNIT_MINUTES),
        key=lambda c: -(timed[c] % UNIT_MINUTES),
    )
    for code in leftovers[:left_to_share]:
        units[code] += 1
    return units


@dataclass(frozen=True)
class BillingLine:
    code: str
    description: str
    minutes: int
    units: int
    timed: bool


def billing_lines(minutes_by_code: Mapping[str, int], method: str) -> tuple[BillingLine, ...]:
    """The visit's billing lines, in catalogue order.

    A timed code with minutes gets a line with its ``timed_units`` (possibly 0: the minutes are
    shown, they just earned no unit); a timed code with 0 minutes gets no line. An untimed code
    gets a line with 1 unit whenever it is given, *even with 0 minutes*: being in
    ``minutes_by_code`` means "recorded as performed", and an evaluation or a hot pack is billed
    once per visit whatever its length. Leave a code out to say it was not done.
    """
    units = timed_units(minutes_by_code, method)
    lines = []
    for entry in CPT_CODES.values():
        if entry.code not in units:
            continue
        minutes = minutes_by_code[entry.code]
        if entry.timed and minutes == 0:
            continue
        billed = units[entry.code] if entry.timed else 1
        lines.append(BillingLine(entry.code, entry.description, minutes, billed, entry.timed))
    return tuple(lines)


def total_timed_minutes(minutes_by_code: Mapping[str, int]) -> int:
    """The minutes spent on timed codes (untimed codes do not count)."""
    return sum(_timed_minutes(_checked(minutes_by_code)).values())


def total_units(lines: Iterable[BillingLine]) -> int:
    """The units of all lines together, timed and untimed."""
    return sum(line.units for line in lines)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def units_explained(minutes_by_code: Mapping[str, int], method: str) -> str:
    """One plain sentence for under the visit-note grid, e.g. "40 timed minutes = 3 units (CMS
    8-minute rule)." or "Each code on its own: 97110 33 min = 2 units; 97140 7 min = 0 units
    (under 8 minutes)."."""
    units = timed_units(minutes_by_code, method)
    timed = [
        (code, minutes_by_code[code])
        for code in CPT_CODES
        if code in units and CPT_CODES[code].timed and minutes_by_code[code] > 0
    ]
    if method == PER_CODE:
        if not timed:
            return "Each code on its own: no timed minutes."
        parts = []
        for code, minutes in timed:
            part = f"{code} {minutes} min = {_count(units[code], 'unit')}"
            if minutes < MIN_MINUTES_FOR_A_UNIT:
                part += " (under 8 minutes)"
            parts.append(part)
        return "Each code on its own: " + "; ".join(parts) + "."
    total = sum(minutes for _, minutes in timed)
    if total == 0:
        return "No timed minutes, so no timed unit."
    if total < MIN_MINUTES_FOR_A_UNIT:
        return f"{_count(total, 'timed minute')}: fewer than 8, so no timed unit."
    earned = _count(sum(units.values()), "unit")
    return f"{_count(total, 'timed minute')} = {earned} (CMS 8-minute rule)."
