"""Windows that belong to one episode of care (its evaluation, its care plan): each opens once
per episode and database, a second request brings the open one forward, and each opens at the
size and place it was last closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QSettings, QSize, Signal
from PySide6.QtWidgets import QWidget

from ptclinic.ui.window_size import DEFAULT_SIZE, remember_size, restore_size


class EpisodeWindow(QWidget):
    """A top-level window for one episode; it emits ``closed`` once it has closed."""

    closed = Signal()


W = TypeVar("W", bound=EpisodeWindow)


class OneWindowPerEpisode(Generic[W]):
    """The open windows of one kind, by (database, episode); ``geometry_key`` names where the
    size is remembered in the settings."""

    def __init__(self, geometry_key: str, preferred: QSize = DEFAULT_SIZE) -> None:
        self._geometry_key = geometry_key
        self._preferred = preferred
        self._open: dict[tuple[str, int], W] = {}

    def show(
        self, db_url: str, episode_id: int, make: Callable[[], W], settings: QSettings | None
    ) -> W:
        """The open window brought forward, or a new one from ``make`` (whose errors pass)."""
        key = (db_url, episode_id)
        window = self._open.get(key)
        if window is not None and window.isVisible():
            window.raise_()
            window.activateWindow()
            return window
        window = make()
        self._open[key] = window
        made = window
        made.closed.connect(lambda: self._open.pop(key, None))
        made.closed.connect(lambda: remember_size(made, settings, self._geometry_key))
        restore_size(made, settings, self._geometry_key, preferred=self._preferred)
        made.show()
        return made

    def visible(self) -> list[W]:
        return [window for window in self._open.values() if window.isVisible()]
