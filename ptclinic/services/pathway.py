"""Where an episode stands on the conservative-care pathway for SI joint and low back pain: the
weeks of conservative care so far, and from six weeks on, when no outcome measure has improved
by its minimal clinically important difference since the first result, a prompt to consider
referral back to the physician for an injection.

"Enough progress" is any one measure (Oswestry, pain rating or PSFS) better by at least its MCID
from its first result to its latest (``outcomes.compare``). No result taken again since the first
is not progress: the prompt then says to measure again as well.

``pathway_status`` is the rule on plain values (for tests and scripts); ``episode_pathway`` reads
the episode and its outcome results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import EpisodeOfCare, OutcomeResult
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.errors import NotFound
from ptclinic.services.evaluation import CONSERVATIVE_WEEKS
from ptclinic.services.outcomes import Measure, MeasureChange, compare
from ptclinic.services.permissions import Permission, require


@dataclass(frozen=True)
class OutcomeScore:
    """One scored outcome measure of the episode."""

    measure: Measure
    taken_on: date
    score: float


@dataclass(frozen=True)
class PathwayStatus:
    weeks: int  # whole weeks of conservative care so far (0 in the first week)
    stage: str  # "Week 3 of at least 6 weeks of conservative care"
    consider_referral: bool
    reason: str  # why, or why not yet, in words
    changes: tuple[MeasureChange, ...]  # each measure from its first result to its latest

    @property
    def improved(self) -> tuple[MeasureChange, ...]:
        """The measures better by at least their MCID."""
        return tuple(c for c in self.changes if c.meets_mcid)


def _weeks(count: int) -> str:
    return f"{count} week" + ("" if count == 1 else "s")


def _changes(results: Iterable[OutcomeScore]) -> tuple[tuple[MeasureChange, ...], bool]:
    """Each measure's first and latest score compared (in ``Measure`` order), and whether any
    measure was taken more than once."""
    by_measure: dict[Measure, list[OutcomeScore]] = {}
    for result in sorted(results, key=lambda r: r.taken_on):  # stable: same-day order kept
        by_measure.setdefault(result.measure, []).append(result)
    changes = tuple(
        compare(measure, found[0].score, found[-1].score)
        for measure in Measure
        if (found := by_measure.get(measure))
    )
    return changes, any(len(found) > 1 for found in by_measure.values())


def _listed(changes: Iterable[MeasureChange]) -> str:
    return "; ".join(f"{change.measure.label} {change.text()}" for change in changes)


def checkpoint(start: date) -> date:
    """The day an episode started on ``start`` has had its weeks of conservative care."""
    return start + timedelta(weeks=CONSERVATIVE_WEEKS)


def pathway_status(
    start: date,
    today: date,
    results: Iterable[OutcomeScore],
    *,
    closed_on: date | None = None,
) -> PathwayStatus:
    """The pathway rule: weeks since ``start`` (up to ``closed_on`` for a closed episode), and
    whether to consider referral: from ``CONSERVATIVE_WEEKS`` weeks on, for an episode still
    open, when no measure has improved by its MCID since its first result."""
    changes, remeasured = _changes(results)
    improved = [c for c in changes if c.meets_mcid]
    until = min(today, closed_on) if closed_on is not None else today
    if until < start:
        return PathwayStatus(
            0,
            f"Conservative care starts on {start:%a %d %b %Y}",
            False,
            "The episode has not started yet.",
            changes,
        )
    weeks = (until - start).days // 7
    if closed_on is not None:
        return PathwayStatus(
            weeks,
            f"Closed after {_weeks(weeks)} of conservative care",
            False,
            "The episode is closed.",
            changes,
        )
    if weeks < CONSERVATIVE_WEEKS:
        stage = f"Week {weeks + 1} of at least {CONSERVATIVE_WEEKS} weeks of conservative care"
        if improved:
            reason = f"Improving: {_listed(improved)}."
        else:
            reason = (
                f"Referral for an injection is considered after {CONSERVATIVE_WEEKS} weeks if "
                "no outcome measure has improved by its MCID by then."
            )
        return PathwayStatus(weeks, stage, False, reason, changes)
    stage = f"Week {weeks + 1} of conservative care: the {CONSERVATIVE_WEEKS} weeks are done"
    if improved:
        reason = f"Enough progress to continue conservative care: {_listed(improved)}."
        return PathwayStatus(weeks, stage, False, reason, changes)
    after = f"After {_weeks(weeks)} of conservative care"
    if not changes:
        reason = (
            f"{after} there is no outcome measure to show progress: measure the Oswestry, pain "
            "and PSFS, and consider referral to the physician for an injection."
        )
    elif not remeasured:
        reason = (
            f"{after} no outcome measure has been taken again since the first: measure again, "
            "and consider referral to the physician for an injection if none has improved by "
            "its MCID."
        )
    else:
        reason = (
            f"{after} no outcome measure has improved by its MCID ({_listed(changes)}): consider "
            "referral to the physician for an injection."
        )
    return PathwayStatus(weeks, stage, True, reason, changes)


def episode_pathway(
    db: Database, actor: Actor, episode_id: int, *, today: date | None = None
) -> PathwayStatus:
    """Where the episode stands on the pathway today (the clinic's today by default)."""
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        episode = session.get(EpisodeOfCare, episode_id)
        if episode is None:
            raise NotFound("That episode of care does not exist.")
        rows = session.execute(
            select(OutcomeResult.measure, OutcomeResult.taken_on, OutcomeResult.score)
            .where(OutcomeResult.episode_id == episode_id, OutcomeResult.score.is_not(None))
            .order_by(OutcomeResult.taken_on, OutcomeResult.id)
        ).all()
        start, closed_on = episode.start_date, episode.closed_on
        closed = episode.status != "open"
    results = [
        OutcomeScore(Measure(m), taken_on, float(s))
        for m, taken_on, s in rows
        if s is not None  # filtered in SQL too; typed as optional
    ]
    day = today or clinic_today(db)
    if closed and closed_on is None:  # closed before closing dates were kept
        closed_on = max(start, max((r.taken_on for r in results), default=start))
    return pathway_status(start, day, results, closed_on=closed_on)
