"""Domain errors. Each carries a message written for the person at the desk, not a developer."""

from __future__ import annotations


class DomainError(Exception):
    """Base for every error a service raises on purpose; ``str(error)`` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Input that cannot be accepted. ``field_errors`` maps each field to what is wrong with it."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        self.field_errors = dict(field_errors)
        super().__init__(" ".join(self.field_errors.values()))


class PermissionDenied(DomainError):
    pass


class AuthenticationError(DomainError):
    pass


class AccountLocked(AuthenticationError):
    pass


class NotFound(DomainError):
    pass


class ConflictError(DomainError):
    """The change clashes with something already recorded (a duplicate, a booked slot)."""


class StaleRecordError(ConflictError):
    """Someone else saved this record since it was opened; nothing was overwritten."""


class SetupError(DomainError):
    pass


class DatabaseUnavailable(DomainError):
    """The database could not be reached or stayed busy; nothing was saved by the failed step."""
