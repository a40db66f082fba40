"""Moving and resizing visits from the grid, each checked before it lands, with Ctrl+Z undo.

A move is refused in words when it clashes; outside the bookable hours it goes ahead only when
an administrator approves (``ask_override`` shows the words and returns the new version, or None
when nobody approved). Undo is itself a checked move of the visit back, made against the version
the move produced, so a change made meanwhile on another workstation is never overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from ptclinic.db import Database
from ptclinic.services import booking, calendar
from ptclinic.services.actor import Actor
from ptclinic.services.booking import BookingRequest
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.errors import DatabaseUnavailable, DomainError, StaleRecordError

log = logging.getLogger(__name__)

NOT_CHANGED_DATABASE = (
    "The database did not answer, so nothing was changed. Check the network connection and "
    "try again."
)
UNDO_LIMIT = 20

# Shows why a move needs an administrator, and performs it with the approver: the new version.
AskOverride = Callable[[str, Callable[[Actor], int]], int | None]


@dataclass(frozen=True)
class Placement:
    """Where a visit is or should be."""

    starts_at: datetime
    minutes: int
    therapist_id: int
    room_id: int | None


@dataclass(frozen=True)
class UndoStep:
    appointment_id: int
    version: int  # the visit's version right after the move
    patient_short: str
    before: Placement
    before_text: str  # "Mon Dec 7, 10:00–10:45 with Dana Lee"


@dataclass(frozen=True)
class MoveResult:
    moved: bool
    message: str
    appointment_id: int
    version: int | None = None  # the visit's version after a move that was made


def placement_of(view: AppointmentView) -> Placement:
    return Placement(view.starts_at, view.minutes, view.therapist_id, view.room_id)


class Mover:
    """Moves visits for one person at one workstation and remembers them for undo."""

    def __init__(self, db: Database, actor: Actor, ask_override: AskOverride) -> None:
        self._db = db
        self._actor = actor
        self._ask_override = ask_override
        self.undo_steps: list[UndoStep] = []

    def can_undo(self) -> bool:
        return bool(self.undo_steps)

    def move(
        self,
        view: AppointmentView,
        to: Placement,
        *,
        where_text: str,
        before_text: str,
        version: int | None = None,
        remember: bool = True,
    ) -> MoveResult:
        """Check and make the move; ``where_text`` names the new place in the notice."""
        request = BookingRequest(
            patient_id=view.patient_id,
            therapist_id=to.therapist_id,
            starts_at=to.starts_at,
            minutes=to.minutes,
            visit_type=view.visit_type,
            room_id=to.room_id,
            episode_id=view.episode_id,
            note=view.note,
        )
        expected = view.version if version is None else version
        try:
            check = booking.check_booking(self._db, self._actor, request, exclude_id=view.id)
            if check.clashes:
                return MoveResult(False, "Not moved: " + " ".join(check.clashes), view.id)
            if check.outside_hours is not None:
                new_version = self._ask_override(
                    check.outside_hours,
                    lambda admin: self._reschedule(view.id, expected, to, admin),
                )
                if new_version is None:
                    return MoveResult(
                        False,
                        f"Not moved: {check.outside_hours} An administrator can allow it.",
                        view.id,
                    )
            else:
                new_version = self._reschedule(view.id, expected, to, None)
        except DatabaseUnavailable as exc:
            log.warning("moving appointment %s failed: %s", view.id, exc.__cause__ or exc)
            return MoveResult(False, NOT_CHANGED_DATABASE, view.id)
        except DomainError as exc:
            return MoveResult(False, f"Not moved: {exc}", view.id)
        if remember:
            self.remember(view, new_version, before_text)
        return MoveResult(
            True,
            f"Moved {view.patient_short} to {where_text}. Ctrl+Z puts it back.",
            view.id,
            new_version,
        )

    def remember(self, view: AppointmentView, new_version: int, before_text: str) -> None:
        """Keep a move made elsewhere (the Move… dialog) for Ctrl+Z; ``view`` is as before it."""
        step = UndoStep(view.id, new_version, view.patient_short, placement_of(view), before_text)
        self.undo_steps = [*self.undo_steps, step][-UNDO_LIMIT:]

    def _reschedule(
        self, appointment_id: int, version: int, to: Placement, admin: Actor | None
    ) -> int:
        return booking.reschedule(
            self._db,
            self._actor,
            appointment_id,
            version,
            starts_at=to.starts_at,
            minutes=to.minutes,
            therapist_id=to.therapist_id,
            room_id=to.room_id,
            keep_room=False,
            override_by=admin,
        )

    def undo(self) -> MoveResult | None:
        """Move the last moved visit back (None when there is nothing to undo)."""
        if not self.undo_steps:
            return None
        step = self.undo_steps.pop()
        try:
            view = calendar.appointment_view(self._db, self._actor, step.appointment_id)
        except DatabaseUnavailable as exc:
            log.warning(
                "reading appointment %s failed: %s", step.appointment_id, exc.__cause__ or exc
            )
            self.undo_steps.append(step)  # nothing happened: the undo can be tried again
            return MoveResult(False, NOT_CHANGED_DATABASE, step.appointment_id)
        except DomainError as exc:
            return MoveResult(False, f"Not undone: {exc}", step.appointment_id)
        if view is None:
            return MoveResult(
                False, "Not undone: that visit no longer exists.", step.appointment_id
            )
        if view.version != step.version:
            stale = StaleRecordError(
                "someone changed this visit after it was moved, so it was left as it is now."
            )
            return MoveResult(False, f"Not undone: {stale}", step.appointment_id)
        result = self.move(
            view, step.before, where_text=step.before_text, before_text="", remember=False
        )
        if not result.moved:
            self.undo_steps.append(step)  # refused (a clash, no approval): may be tried again
            return replace(result, message=result.message.replace("Not moved", "Not undone", 1))
        assert result.version is not None
        # The visit is back where its previous move left it: that step now undoes from here.
        for index in range(len(self.undo_steps) - 1, -1, -1):
            if self.undo_steps[index].appointment_id == step.appointment_id:
                self.undo_steps[index] = replace(self.undo_steps[index], version=result.version)
                break
        return MoveResult(
            True,
            f"Move undone: {step.patient_short} is back at {step.before_text}.",
            view.id,
            result.version,
        )
