"""A progress note's or discharge's outcome measures against intake: this note's scores (as
signing records them), the table of each measure at intake and now with its change and MCID
verdict, and the episode's scores for the trend chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ptclinic.models import ClinicalNote, NoteKind, OutcomeResult
from ptclinic.services.outcome_trend import MEASURE_ORDER, TrendPoint, value_text
from ptclinic.services.outcomes import (
    Measure,
    MeasureChange,
    PsfsActivity,
    compare,
    format_points,
    oswestry_band,
    oswestry_percent,
    psfs_score,
)

UNITS = {Measure.ODI: "%", Measure.NPRS: "/10", Measure.PSFS: "/10"}


@dataclass(frozen=True)
class OutcomeRow:
    """One measure at intake (its first score in the episode) and in this note."""

    measure: Measure
    intake: float | None
    intake_on: date | None
    latest: float | None
    detail: str  # the PSFS activities, or the Oswestry bands, intake → now

    @property
    def change(self) -> MeasureChange | None:
        if self.intake is None or self.latest is None:
            return None
        return compare(self.measure, self.intake, self.latest)

    def score_text(self, score: float | None) -> str:
        """ "40%", "5/10", "3.0/10"; "—" for no score."""
        return "—" if score is None else value_text(self.measure, score) + UNITS[self.measure]

    @property
    def change_text(self) -> str:
        """ "16 points better", "2 points worse", "no change"; "" without both scores."""
        change = self.change
        if change is None:
            return ""
        points = abs(change.improvement)
        if points < 0.05:
            return "no change"
        word = "point" if format_points(points) == "1" else "points"
        return f"{format_points(points)} {word} {'better' if change.improvement > 0 else 'worse'}"

    @property
    def verdict(self) -> str:
        """Whether the change reaches the MCID, in words."""
        mcid = format_points(self.measure.mcid)
        change = self.change
        if change is None:
            return "Not measured at intake" if self.intake is None else "Not re-measured"
        if change.meets_mcid:
            return f"MCID met ({mcid} points)"
        if change.worse_by_mcid:
            return f"Worse by at least the MCID ({mcid} points)"
        return f"MCID not met (needs {mcid} points)"


def note_scores(outcomes: Mapping[str, Any]) -> dict[Measure, float]:
    """This note's scores, as signing records them."""
    scores: dict[Measure, float] = {}
    odi = outcomes.get("odi")
    if odi and any(a is not None for a in odi) and (percent := oswestry_percent(odi)) is not None:
        scores[Measure.ODI] = float(percent)
    if outcomes.get("nprs") is not None:
        scores[Measure.NPRS] = float(outcomes["nprs"])
    rated = [
        PsfsActivity(str(a["activity"]), int(a["score"]))
        for a in outcomes.get("psfs") or []
        if a.get("score") is not None
    ]
    if rated and (average := psfs_score(rated)) is not None:
        scores[Measure.PSFS] = average
    return scores


def psfs_detail(intake: Sequence[Mapping[str, Any]], now: Sequence[Mapping[str, Any]]) -> str:
    """ "Sitting 1 hour 3 → 7 · Lifting child — → 5" """
    before = {str(a.get("activity", "")).strip().lower(): a.get("score") for a in intake}
    parts = []
    for item in now:
        if item.get("score") is None:
            continue
        then = before.get(str(item.get("activity", "")).strip().lower())
        parts.append(f"{item['activity']} {'—' if then is None else then} → {item['score']}")
    return " · ".join(parts)


def odi_detail(intake: float | None, latest: float | None) -> str:
    bands = [oswestry_band(score).label for score in (intake, latest) if score is not None]
    return " → ".join(bands)


def outcome_table(
    session: Session, row: ClinicalNote
) -> tuple[tuple[OutcomeRow, ...], tuple[TrendPoint, ...]]:
    """The outcome table's rows and the trend chart's points (up to this note's day; this
    note's own scores from the note, so a draft's show too)."""
    if row.kind == NoteKind.VISIT:
        return (), ()  # a daily note re-measures nothing
    results = session.execute(
        select(OutcomeResult.measure, OutcomeResult.taken_on, OutcomeResult.score,
               OutcomeResult.answers)
        .where(
            OutcomeResult.episode_id == row.episode_id,
            OutcomeResult.score.is_not(None),
            or_(OutcomeResult.taken_on < row.note_date, OutcomeResult.evaluation_id.is_not(None)),
        )
        .order_by(OutcomeResult.taken_on, OutcomeResult.id)
    ).all()  # fmt: skip
    outcomes = row.content.get("outcomes") or {}
    mine = note_scores(outcomes)
    points = [TrendPoint(m, on, float(score)) for m, on, score, _answers in results]
    points += [TrendPoint(m.value, row.note_date, score) for m, score in mine.items()]
    rows = []
    for measure in MEASURE_ORDER:
        first = next((r for r in results if r.measure == measure), None)
        if first is None and measure not in mine:
            continue
        intake = None if first is None else float(first.score)
        latest = mine.get(measure)
        if measure is Measure.PSFS:
            then = (first.answers.get("activities") if first else None) or []
            detail = psfs_detail(then, outcomes.get("psfs") or [])
        elif measure is Measure.ODI:
            detail = odi_detail(intake, latest)
        else:
            detail = ""
        rows.append(OutcomeRow(measure, intake, first.taken_on if first else None, latest, detail))
    return tuple(rows), tuple(points)
