"""The staff member on whose behalf a service acts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who is acting, as established by a successful log-in. Services audit under this name."""

    staff_id: int
    username: str
    full_name: str
    role: str
