"""What the "My work" page reads in one go, off the UI thread (no widget is touched here).

The service's reminders are words; which of them the certification dialog answers is the
episode's certification state saying the same words (``plan_certifications.certifications``),
so the page never guesses from the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.my_work import MyWork, Reminder, my_work
from ptclinic.services.plan_certifications import certifications


@dataclass(frozen=True)
class WorkLoad:
    work: MyWork
    now: datetime
    today: date
    zone: ZoneInfo
    certification: tuple[Reminder, ...]  # the reminders "Record certification…" answers


def load_work(db: Database, actor: Actor, now: datetime) -> WorkLoad:
    """The actor's work list at ``now`` (audited by the service as "opened My work")."""
    work = my_work(db, actor, now=now)
    zone = clinic_zone(db)
    states: dict[int, str] = {}
    certification: list[Reminder] = []
    for reminder in work.reminders:
        if reminder.episode_id not in states:
            state = certifications(db, actor, reminder.episode_id, now=now).state
            states[reminder.episode_id] = state.reminder
        if reminder.words == states[reminder.episode_id]:
            certification.append(reminder)
    return WorkLoad(work, now, now.astimezone(zone).date(), zone, tuple(certification))
