"""The demo's waitlist reads like a real one: each note agrees with the wished hours, and people
joined over the past weeks rather than all this morning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import WaitlistEntry
from ptclinic.services.demo_data import DemoOptions, generate_demo_data
from ptclinic.services.demo_extras import WAITING_DAYS, WISHES

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_waiting_patients_notes_match_their_hours_and_they_joined_over_weeks(
    db: Database,
) -> None:
    generate_demo_data(db, DemoOptions(patients=300, years=0.3, days_ahead=30, seed=5), now=NOW)
    with db.session() as session:
        rows = session.execute(
            select(WaitlistEntry.earliest_time, WaitlistEntry.note, WaitlistEntry.created_at)
        ).all()
    assert len(rows) >= 2
    for earliest, note, _created in rows:
        assert earliest is not None and note == WISHES[earliest.hour]
    joined = {created for _time, _note, created in rows}
    assert len({c.date() for c in joined}) > 1
    assert all(max(joined) - c <= timedelta(days=WAITING_DAYS, minutes=5) for c in joined)
