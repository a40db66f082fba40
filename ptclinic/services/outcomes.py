"""Outcome measures: scoring the Oswestry Disability Index, the pain rating (NPRS) and the
Patient-Specific Functional Scale (PSFS), and saying whether a change between two scores is large
enough to matter to the patient (the minimal clinically important difference, MCID).

Public API used by scripts (keep the names and signatures stable): ``oswestry_percent``,
``oswestry_band``, ``nprs_score``, ``psfs_score`` and ``compare``.

The numbers the rules rest on:
- ODI: ten sections scored 0-5; the score is the sum over the answered sections divided by five
  times their number, as a percentage (so a skipped section does not count as "no disability").
  With more than two sections skipped there is too little left to score: ``None``. Bands: 0-20
  minimal, 21-40 moderate, 41-60 severe, 61-80 crippled, 81-100 bed-bound disability.
- MCID: ODI 10 points, NPRS 2 points, PSFS 2 points on the average of the activities.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ptclinic.services.errors import ValidationError

ODI_SECTIONS = 10
ODI_SECTION_MAX = 5
ODI_MAX_SKIPPED = 2
NPRS_MAX = 10
PSFS_MAX = 10
PSFS_MAX_ACTIVITIES = 5


class Measure(enum.StrEnum):
    ODI = "odi"
    NPRS = "nprs"
    PSFS = "psfs"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def mcid(self) -> float:
        """The smallest change a patient notices as real (in the measure's own points)."""
        return _MCID[self]

    @property
    def lower_is_better(self) -> bool:
        return self is not Measure.PSFS

    @property
    def unit(self) -> str:
        return "%" if self is Measure.ODI else "/10"


_LABELS = {
    Measure.ODI: "Oswestry Disability Index",
    Measure.NPRS: "Pain rating (NPRS)",
    Measure.PSFS: "Patient-Specific Functional Scale",
}
_MCID = {Measure.ODI: 10.0, Measure.NPRS: 2.0, Measure.PSFS: 2.0}


class OswestryBand(enum.StrEnum):
    MINIMAL = "minimal"
    MODERATE = "moderate"
    SEVERE = "severe"
    CRIPPLED = "crippled"
    BED_BOUND = "bed_bound"

    @property
    def label(self) -> str:
        return {
            OswestryBand.MINIMAL: "Minimal disability",
            OswestryBand.MODERATE: "Moderate disability",
            OswestryBand.SEVERE: "Severe disability",
            OswestryBand.CRIPPLED: "Crippled",
            OswestryBand.BED_BOUND: "Bed-bound",
        }[self]


_BAND_TOPS = (
    (20.0, OswestryBand.MINIMAL),
    (40.0, OswestryBand.MODERATE),
    (60.0, OswestryBand.SEVERE),
    (80.0, OswestryBand.CRIPPLED),
    (100.0, OswestryBand.BED_BOUND),
)


class OswestryPercent(float):
    """The ODI percentage (a float, so ``oswestry_percent(a) == 40.0`` reads naturally in a
    script) carrying its disability ``band`` and how many sections were ``answered``."""

    band: OswestryBand
    answered: int

    def __new__(cls, percent: float, answered: int) -> OswestryPercent:
        value = super().__new__(cls, percent)
        value.band = oswestry_band(percent)
        value.answered = answered
        return value

    def __repr__(self) -> str:
        return f"OswestryPercent({float(self)!r}, band={self.band.value}, answered={self.answered})"

    def text(self) -> str:
        """ "42% · Severe disability" (with "9 of 10 sections" when one was skipped)."""
        skipped = f" · {self.answered} of {ODI_SECTIONS} sections" if self.answered < 10 else ""
        return f"{format_points(self)}% · {self.band.label}{skipped}"


def _whole_score(value: object, maximum: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            {what: f"{what.capitalize()} must be a whole number from 0 to {maximum}."}
        )
    if not 0 <= value <= maximum:
        raise ValidationError(
            {what: f"{what.capitalize()} must be from 0 to {maximum}; {value} is outside it."}
        )
    return value


def oswestry_band(percent: float) -> OswestryBand:
    """The disability band of an ODI percentage (0-100)."""
    if math.isnan(percent) or not 0 <= percent <= 100:
        raise ValidationError({"odi": "An Oswestry score is a percentage from 0 to 100."})
    return next(band for top, band in _BAND_TOPS if percent <= top)


def oswestry_percent(answers: Sequence[int | None]) -> OswestryPercent | None:
    """Score the ten ODI sections (each 0-5, ``None`` where the patient skipped it).

    Returns the percentage with its ``band``, or ``None`` when more than two sections were
    skipped. Raises ``ValidationError`` for a list that is not ten long or a section outside 0-5.
    """
    if isinstance(answers, str | bytes) or len(answers) != ODI_SECTIONS:
        raise ValidationError(
            {"odi": f"The Oswestry form has {ODI_SECTIONS} sections; {len(answers)} were given."}
        )
    scores = [
        _whole_score(a, ODI_SECTION_MAX, f"section {n}")
        for n, a in enumerate(answers, start=1)
        if a is not None
    ]
    if len(scores) < ODI_SECTIONS - ODI_MAX_SKIPPED:
        return None
    return OswestryPercent(100.0 * sum(scores) / (ODI_SECTION_MAX * len(scores)), len(scores))


def nprs_score(value: int) -> int:
    """A pain rating, checked: a whole number from 0 (no pain) to 10 (worst imaginable)."""
    return _whole_score(value, NPRS_MAX, "pain rating")


@dataclass(frozen=True)
class PsfsActivity:
    activity: str
    score: int  # 0 unable to do it, 10 able to do it as before the problem


def psfs_score(activities: Sequence[PsfsActivity]) -> float | None:
    """The PSFS score: the average over one to five activities, each 0-10 (``None`` for none).
    Each activity needs its name, so the same activity can be asked about again later."""
    if len(activities) > PSFS_MAX_ACTIVITIES:
        given = len(activities)
        raise ValidationError(
            {"psfs": f"List at most {PSFS_MAX_ACTIVITIES} activities; {given} were given."}
        )
    if not activities:
        return None
    for n, item in enumerate(activities, start=1):
        if not item.activity.strip():
            raise ValidationError({"psfs": f"Activity {n} needs a name, e.g. “Sitting 1 hour”."})
        _whole_score(item.score, PSFS_MAX, f"activity {n}")
    return sum(a.score for a in activities) / len(activities)


def format_points(value: float) -> str:
    """42 for 42.0, 42.2 for 42.22: scores are read, not computed with."""
    rounded = round(value, 1)
    return f"{rounded:g}" if rounded != int(rounded) else str(int(rounded))


@dataclass(frozen=True)
class MeasureChange:
    """A measure then and now. ``improvement`` is positive when the patient is better, whichever
    way the measure runs; ``meets_mcid`` when that improvement reaches the measure's MCID."""

    measure: Measure
    baseline: float
    latest: float

    @property
    def change(self) -> float:
        return self.latest - self.baseline

    @property
    def improvement(self) -> float:
        return -self.change if self.measure.lower_is_better else self.change

    @property
    def meets_mcid(self) -> bool:
        # Scores are kept to one decimal: compare there, so 2.0 - 0.0000001 is not "short".
        return round(self.improvement, 6) >= self.measure.mcid

    @property
    def worse_by_mcid(self) -> bool:
        return round(-self.improvement, 6) >= self.measure.mcid

    def text(self) -> str:
        """ "48% → 30% (18 points better; meets the 10-point MCID)"."""
        unit = self.measure.unit
        arrow = f"{format_points(self.baseline)}{unit} → {format_points(self.latest)}{unit}"
        points = abs(self.improvement)
        mcid = format_points(self.measure.mcid)
        if points < 0.05:
            return f"{arrow} (no change; the MCID is {mcid} points)"
        way = "better" if self.improvement > 0 else "worse"
        verdict = (
            f"meets the {mcid}-point MCID"
            if self.meets_mcid
            else f"a clinically important worsening (MCID {mcid})"
            if self.worse_by_mcid
            else f"below the {mcid}-point MCID"
        )
        word = "point" if format_points(points) == "1" else "points"
        return f"{arrow} ({format_points(points)} {word} {way}; {verdict})"


def compare(measure: Measure, baseline: float, latest: float) -> MeasureChange:
    """How ``latest`` compares with ``baseline`` on ``measure`` (scores as the functions above
    give them)."""
    top = 100.0 if measure is Measure.ODI else 10.0
    for name, value in (("baseline", baseline), ("latest", latest)):
        if isinstance(value, bool) or math.isnan(value) or not 0 <= value <= top:
            raise ValidationError(
                {name: f"A {measure.label} score runs from 0 to {top:g}; {value} is outside it."}
            )
    return MeasureChange(measure, float(baseline), float(latest))
