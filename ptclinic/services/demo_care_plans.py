"""Care plans for the demo clinic, written through the real care-plan service: each open episode
with a signed evaluation gets the plan its classification's template gives, started on the day it
was signed; some have had an exercise progressed since, as a busy clinic's would.
"""

from __future__ import annotations

import random

from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import EpisodeOfCare, Evaluation, EvaluationStatus, Staff
from ptclinic.services import care_plans
from ptclinic.services.auth import actor_of
from ptclinic.services.care_plan_catalogue import ProgressCheck
from ptclinic.services.errors import DomainError

MOST_PLANS = 300  # enough to browse; building more would only slow the demo's generation
PROGRESSED_SHARE = 0.4
WELL = ProgressCheck(pain_during=2, flare_next_day=False, good_form_sessions=2)


def add_care_plans(db: Database, rng: random.Random) -> int:
    """Plans for open, signed-evaluated episodes (the latest ``MOST_PLANS``); how many made."""
    with db.session() as session:
        rows = session.execute(
            select(Evaluation.episode_id, Evaluation.signed_at, Evaluation.therapist_id)
            .join(EpisodeOfCare, EpisodeOfCare.id == Evaluation.episode_id)
            .where(
                EpisodeOfCare.status == "open",
                Evaluation.status == EvaluationStatus.SIGNED.value,
            )
            .order_by(Evaluation.signed_at.desc())
            .limit(MOST_PLANS)
        ).all()
        actors = {row.id: actor_of(row) for row in session.scalars(select(Staff))}
    made = 0
    for episode_id, signed_at, therapist_id in rows:
        actor = actors[therapist_id]
        try:
            plan = care_plans.start_plan(db, actor, episode_id, now=signed_at)
            made += 1
            if rng.random() < PROGRESSED_SHARE:
                ready = [i for i in plan.items if i.kind == "exercise" and i.progresses_to]
                if ready:
                    item = rng.choice(ready)
                    care_plans.progress_item(
                        db, actor, plan.id, plan.version, item.id, WELL,
                        "Good control for two sessions, no flare",
                    )  # fmt: skip
        except DomainError:
            continue  # a student's or an odd episode: leave it without a plan
    return made
