"""Treatment rooms: add, change, retire. Rooms are never deleted (appointments refer to them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import Room
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.errors import ConflictError, NotFound, StaleRecordError, ValidationError
from ptclinic.services.permissions import Permission, require
from ptclinic.services.text import clean_line

ROOM_KINDS = ("treatment", "gym", "evaluation", "aquatic", "other")


@dataclass(frozen=True)
class RoomInput:
    name: str
    kind: str = "treatment"
    capacity: int = 1
    active: bool = True


@dataclass(frozen=True)
class RoomRecord:
    id: int
    name: str
    kind: str
    capacity: int
    active: bool
    version: int


def _record(r: Room) -> RoomRecord:
    return RoomRecord(r.id, r.name, r.kind, r.capacity, r.active, r.version)


def validate_room(data: RoomInput) -> RoomInput:
    data = RoomInput(clean_line(data.name), data.kind.strip(), data.capacity, data.active)
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = "The room needs a name."
    elif len(data.name) > 60:
        errors["name"] = "The room's name is too long (at most 60 characters)."
    if data.kind not in ROOM_KINDS:
        errors["kind"] = f"Room kind must be one of: {', '.join(ROOM_KINDS)}."
    if not 1 <= data.capacity <= 50:
        errors["capacity"] = "Capacity must be between 1 and 50 people."
    if errors:
        raise ValidationError(errors)
    return data


def list_rooms(db: Database, *, include_inactive: bool = True) -> list[RoomRecord]:
    query = select(Room).order_by(Room.name)
    if not include_inactive:
        query = query.where(Room.active.is_(True))
    with db.session() as session:
        return [_record(r) for r in session.scalars(query)]


def _duplicate(name: str) -> ConflictError:
    return ConflictError(f"There is already a room called “{name}”.")


def add_room(db: Database, actor: Actor, data: RoomInput) -> RoomRecord:
    require(actor, Permission.MANAGE_ROOMS)
    data = validate_room(data)
    try:
        with db.session() as session:
            room = Room(name=data.name, kind=data.kind, capacity=data.capacity, active=data.active)
            session.add(room)
            session.flush()
            audit.record(
                session,
                AuditAction.CREATE,
                actor=actor,
                entity_type="room",
                entity_id=room.id,
                summary=f"added room {room.name}",
            )
            return _record(room)
    except IntegrityError as exc:
        raise _duplicate(data.name) from exc


def update_room(
    db: Database, actor: Actor, room_id: int, expected_version: int, data: RoomInput
) -> RoomRecord:
    require(actor, Permission.MANAGE_ROOMS)
    data = validate_room(data)
    stale = StaleRecordError(
        "Someone else changed this room while you were editing. Nothing was saved."
    )
    try:
        with db.session() as session:
            room = session.get(Room, room_id)
            if room is None:
                raise NotFound("That room no longer exists.")
            if room.version != expected_version:
                raise stale
            room.name, room.kind = data.name, data.kind
            room.capacity, room.active = data.capacity, data.active
            audit.record(
                session,
                AuditAction.CHANGE,
                actor=actor,
                entity_type="room",
                entity_id=room.id,
                summary=f"changed room {room.name}",
            )
            session.flush()
            return _record(room)
    except StaleDataError as exc:
        raise stale from exc
    except IntegrityError as exc:
        raise _duplicate(data.name) from exc
