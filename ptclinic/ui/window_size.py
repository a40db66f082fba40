"""How big a window opens the first time, before the user's own size is remembered."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSize
from PySide6.QtWidgets import QWidget

DEFAULT_SIZE = QSize(1280, 800)
# The smallest screen the layout is made for: a 1280×720 laptop (its minimum size fits there).
SMALLEST_SCREEN = QSize(1280, 720)
_FRAME = QSize(40, 60)  # room left for the window frame and the desktop's panels


def default_size(available: QSize, preferred: QSize = DEFAULT_SIZE) -> QSize:
    """The first-start size on a screen with ``available`` room: most of a large screen, all
    of a laptop's, less room for the frame."""
    return QSize(
        min(max(preferred.width(), available.width() * 4 // 5), available.width() - _FRAME.width()),
        min(
            max(preferred.height(), available.height() * 4 // 5),
            available.height() - _FRAME.height(),
        ),
    )


def restore_size(
    window: QWidget, settings: QSettings | None, key: str, *, preferred: QSize = DEFAULT_SIZE
) -> None:
    """Give ``window`` the geometry saved under ``key``, or the default size centred on its
    screen (call before showing it; ``remember_size`` saves it)."""
    saved = settings.value(key) if settings is not None else None
    if isinstance(saved, QByteArray) and window.restoreGeometry(saved):
        return
    available = window.screen().availableGeometry()
    window.resize(default_size(available.size(), preferred))
    frame = window.frameGeometry()
    frame.moveCenter(available.center())
    window.move(frame.topLeft())


def remember_size(window: QWidget, settings: QSettings | None, key: str) -> None:
    if settings is not None:
        settings.setValue(key, window.saveGeometry())
