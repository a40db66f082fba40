"""The app-wide "something changed" signal.

After a successful write a screen emits ``events().data_changed.emit(kind, ids)``; every open view
that shows that kind of record refreshes itself. No screen reaches into another.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DataEvents(QObject):
    # kind: "patient", "staff", "room", "clinic", ...; ids: the records affected (may be empty)
    data_changed = Signal(str, list)


_events: DataEvents | None = None


def events() -> DataEvents:
    global _events
    if _events is None:
        _events = DataEvents()
    return _events
