"""The outcome scores a progress note or discharge summary is compared with: the intake's and
those re-measured in earlier signed notes, as trend points; and the scores a note's re-measured
outcomes come to, for the chart and the change from intake while they are typed.

Scores are computed by the services' scoring (``outcomes``, ``evaluation.interpret``), exactly
as signing records them. ``earlier_scores`` reads the signed evaluation and the episode's notes
through their services; it stands in for a service that would read the episode's outcome
results themselves (see the module's caller for what is asked of the services), and so misses
results recorded in other ways (the demo clinic's four-week re-measures).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ptclinic.db import Database
from ptclinic.services import clinical_notes, evaluation_records
from ptclinic.services.actor import Actor
from ptclinic.services.clinical_notes import NoteRecord
from ptclinic.services.errors import ValidationError
from ptclinic.services.evaluation import interpret
from ptclinic.services.outcome_trend import TrendPoint
from ptclinic.services.outcomes import Measure, PsfsActivity, oswestry_percent, psfs_score


def outcome_scores(outcomes: Mapping[str, Any]) -> dict[Measure, float]:
    """The scores of a note's ``outcomes`` part (a measure left out when it has none yet)."""
    scores: dict[Measure, float] = {}
    try:
        odi = outcomes.get("odi")
        if isinstance(odi, list) and (percent := oswestry_percent(odi)) is not None:
            scores[Measure.ODI] = float(percent)
        nprs = outcomes.get("nprs")
        if isinstance(nprs, int) and not isinstance(nprs, bool):
            scores[Measure.NPRS] = float(nprs)
        rated = [
            PsfsActivity(str(item.get("activity", "")), int(item["score"]))
            for item in outcomes.get("psfs") or []
            if isinstance(item, Mapping)
            and isinstance(item.get("score"), int)
            and str(item.get("activity", "")).strip()
        ]
        if rated and (average := psfs_score(rated)) is not None:
            scores[Measure.PSFS] = average
    except ValidationError:
        pass  # half-typed: no score yet (the editors say what is wrong)
    return scores


@dataclass(frozen=True)
class History:
    points: tuple[TrendPoint, ...]  # oldest first
    intake_activities: tuple[str, ...]  # the PSFS activities the patient named at intake


def earlier_scores(db: Database, actor: Actor, note: NoteRecord) -> History:
    """The episode's scores before ``note``: the signed intake evaluation's, then each signed
    note's up to ``note``'s day."""
    points: list[TrendPoint] = []
    activities: tuple[str, ...] = ()
    evaluation = evaluation_records.episode_evaluation(db, actor, note.episode_id)
    if evaluation is not None and not evaluation.is_draft:
        found = interpret(evaluation.content, age=0)
        for measure, score in ((Measure.ODI, found.odi), (Measure.NPRS, found.nprs_now),
                               (Measure.PSFS, found.psfs)):  # fmt: skip
            if score is not None:
                points.append(TrendPoint(measure.value, evaluation.evaluated_on, float(score)))
        psfs = (evaluation.content.get("outcomes") or {}).get("psfs") or []
        activities = tuple(
            str(item["activity"]).strip()
            for item in psfs
            if isinstance(item, Mapping) and str(item.get("activity") or "").strip()
        )
    for other in clinical_notes.episode_notes(db, actor, note.episode_id):
        if other.id == note.id or other.is_draft or other.note_date > note.note_date:
            continue
        for measure, score in outcome_scores(other.content.get("outcomes") or {}).items():
            points.append(TrendPoint(measure.value, other.note_date, score))
    return History(tuple(sorted(points, key=lambda point: point.taken_on)), activities)


def baselines(points: Sequence[TrendPoint]) -> dict[Measure, TrendPoint]:
    """Each measure's first score (the intake's, when it was measured then)."""
    first: dict[Measure, TrendPoint] = {}
    for point in sorted(points, key=lambda p: p.taken_on):
        first.setdefault(Measure(point.measure), point)
    return first
