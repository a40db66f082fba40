"""Pieces the Schedule page's dialogs share: the lists they offer, rows of widgets, a form that
scrolls only when the screen is too low for it, and the messages they give in the same words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ptclinic.services.calendar import Clinician, RoomInfo, VisitTypeInfo
from ptclinic.services.schedule_view import EpisodeChoice

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


@dataclass(frozen=True)
class ScheduleChoices:
    """The lists the booking dialogs offer, read once by the page."""

    clinicians: list[Clinician]
    rooms: list[RoomInfo]
    visit_types: list[VisitTypeInfo]

    def visit_kind(self, code: object) -> VisitTypeInfo | None:
        """The offered visit type with ``code`` (a combo box's current data), if any."""
        return next((k for k in self.visit_types if k.code == code), None)


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


def styled(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.hide()
    return label


def fill_episodes(
    combo: QComboBox, episodes: Sequence[EpisodeChoice], *, patient_chosen: bool
) -> None:
    """The patient's open episodes of care, newest first (the usual one), then "none"."""
    combo.blockSignals(True)
    combo.clear()
    for episode in episodes:
        combo.addItem(episode.describe(), episode.id)
    if episodes:
        combo.addItem("No episode of care", None)
    else:
        combo.addItem("No open episode of care" if patient_chosen else "Choose a patient first")
    combo.setEnabled(bool(episodes))
    combo.setCurrentIndex(0)
    combo.blockSignals(False)
