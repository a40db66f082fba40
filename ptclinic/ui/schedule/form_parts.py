"""Pieces the Schedule page's dialogs share: the lists they offer, rows of widgets, a form that
scrolls only when the screen is too low for it, and the messages they give in the same words."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QScrollArea, QWidget

from ptclinic.services.calendar import Clinician, RoomInfo, VisitTypeInfo

CHECK_DELAY_MS = 250
DATABASE_TROUBLE = (
    "Nothing was saved because the database did not answer. Check the network connection, "
    "then press the button again — what you typed is still here."
)
UNREADABLE_TIME = "The time could not be read: type it as 10:30 or 1030, or pick one from the list."
CHECK_TROUBLE = "Could not check this time: the database did not answer. Try again in a moment."
NEEDS_ADMINISTRATOR = (
    "An administrator's username and password are needed to book outside these hours."
)
ONLY_ADMINISTRATOR = "Only an administrator can allow a booking outside these hours."
NEEDS_CONFIRMATION = "Tick “I have read the warning” to book anyway, or change the booking."
TITLE_BAR = 40  # what a window's frame takes from the screen's height, before it is shown


@dataclass(frozen=True)
class ScheduleChoices:
    """The lists the booking dialogs offer, read once by the page."""

    clinicians: list[Clinician]
    rooms: list[RoomInfo]
    visit_types: list[VisitTypeInfo]


def line(*parts: tuple[object, ...]) -> QWidget:
    """Widgets side by side: ``(widget, stretch)``, ``(label text, widget, stretch)`` (the label
    is the widget's buddy) or ``(None, None, stretch)`` for empty room."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(8)
    for part in parts:
        *text, widget, stretch = part
        assert isinstance(stretch, int)
        if text and isinstance(text[0], str):
            label = QLabel(text[0])
            if isinstance(widget, QWidget):
                label.setBuddy(widget)
            row.addWidget(label)
        if isinstance(widget, QWidget):
            row.addWidget(widget, stretch)
        else:
            row.addStretch(stretch)
    return box


class FormScroll(QScrollArea):
    """The form, scrolling only when the screen is lower than the form: its size hint is the
    whole form's (QScrollArea's own stops at 24 lines), its minimum a few lines."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self._content = content
        self.setObjectName("bookingForm")
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The dialog's own background shows through (setWidget turns the content's fill on).
        self.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)
        # Tab scrolls to the field it reaches; a mnemonic or an error's focus must too.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self._content.isAncestorOf(new):
            self.ensureWidgetVisible(new)

    def refresh(self) -> None:
        """Tell the dialog's layout the form's size changed (a scroll area does not)."""
        layout = self._content.layout()
        if layout is not None:
            layout.activate()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        content = self._content
        hint = content.sizeHint()
        width = max(hint.width(), self.viewport().width()) if self.isVisible() else hint.width()
        height = content.heightForWidth(width) if content.hasHeightForWidth() else -1
        return QSize(hint.width(), height if height > 0 else hint.height())

    def minimumSizeHint(self) -> QSize:
        content = self._content
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(content.minimumSizeHint().width() + bar, min(content.sizeHint().height(), 160))


def styled(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.hide()
    return label
