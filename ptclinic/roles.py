"""Staff roles. Kept free of SQLAlchemy so the command line can list them without loading it."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    FRONT_DESK = "front_desk"
    THERAPIST = "therapist"
    ASSISTANT = "assistant"
    STUDENT = "student"
