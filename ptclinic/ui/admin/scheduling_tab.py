"""The Scheduling tab: what the calendar is built from, in five sections picked from a list on
the left — opening hours, visit types, working hours, time off and closed days.

One section shows at a time, so each gets the whole height of a 1366×768 screen; each scrolls
rather than squeezing when the window is smaller. Switching sections keeps edits not yet saved
(the list marks those sections), and the page asks before they are lost.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.ui.admin.absences_section import ClosedDaysSection, TimeOffSection
from ptclinic.ui.admin.opening_hours_section import OpeningHoursSection
from ptclinic.ui.admin.visit_types_section import VisitTypesSection
from ptclinic.ui.admin.working_hours_section import WorkingHoursSection
from ptclinic.ui.events import events

NOT_SAVED = " (not saved)"
FORM_WIDTH = 760
# Changes that may alter what a section shows; "staff" renames or disables clinicians.
_REFRESHING_KINDS = {"schedule_settings", "clinic", "staff"}


class SchedulingTab(QWidget):
    OPENING_HOURS, VISIT_TYPES, WORKING_HOURS, TIME_OFF, CLOSED_DAYS = range(5)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schedulingTab")
        self.opening_hours = OpeningHoursSection(db, actor)
        self.visit_types = VisitTypesSection(db, actor)
        self.working_hours = WorkingHoursSection(db, actor)
        self.time_off = TimeOffSection(db, actor)
        self.closed_days = ClosedDaysSection(db, actor)
        sections: list[tuple[str, QWidget, bool]] = [
            # (name in the list, section, whether its content is a form that may need scrolling)
            ("Opening hours", self.opening_hours, True),
            ("Visit types", self.visit_types, False),
            ("Working hours", self.working_hours, True),
            ("Time off", self.time_off, False),
            ("Closed days", self.closed_days, False),
        ]
        self._names = [name for name, _section, _scrolls in sections]

        self.sections = QListWidget()
        self.sections.setObjectName("schedulingSections")
        self.sections.setAccessibleName("Scheduling settings")
        self.sections.setToolTip("↑ ↓ choose what to set up")
        self.sections.setFrameShape(QFrame.Shape.NoFrame)
        self.stack = QStackedWidget()
        for name, section, scrolls in sections:
            self.sections.addItem(QListWidgetItem(name))
            self.stack.addWidget(_scrolling(section) if scrolls else section)
        self.sections.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sections.setCurrentRow(0)
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_sections()
        side = QVBoxLayout()
        side.addWidget(self.sections)
        side.addStretch(1)
        self.opening_hours.dirty_changed.connect(
            lambda dirty: self._mark(self.OPENING_HOURS, dirty)
        )
        self.working_hours.dirty_changed.connect(
            lambda dirty: self._mark(self.WORKING_HOURS, dirty)
        )

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 14, 0, 0)  # flush with the tab bar and page title
        layout.setSpacing(24)
        layout.addLayout(side)
        layout.addWidget(self.stack, 1)
        events().data_changed.connect(self._on_data_changed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_sections()  # the style sheet's font is known for sure once shown

    def _fit_sections(self) -> None:
        """Size the list to its items in the font it is drawn with: wide enough for "Working
        hours (not saved)" beside the items' padding, and only as tall as its five rows (an
        empty white column below them looked like a list still loading)."""
        self.sections.ensurePolished()
        metrics = self.sections.fontMetrics()
        width = max(metrics.horizontalAdvance(name + NOT_SAVED) for name in self._names)
        self.sections.setFixedWidth(width + 48)
        rows = sum(self.sections.sizeHintForRow(n) for n in range(self.sections.count()))
        self.sections.setFixedHeight(rows + 2 * self.sections.frameWidth() + 10)

    def show_section(self, index: int) -> None:
        self.sections.setCurrentRow(index)

    def current_section(self) -> int:
        return self.stack.currentIndex()

    def section_label(self, index: int) -> str:
        item = self.sections.item(index)
        return item.text() if item is not None else ""

    def has_unsaved_work(self) -> bool:
        """Opening or working hours edited and not saved (the lists save as they go)."""
        return self.opening_hours.has_unsaved_work() or self.working_hours.has_unsaved_work()

    def _mark(self, index: int, dirty: bool) -> None:
        item = self.sections.item(index)
        if item is not None:
            item.setText(self._names[index] + (NOT_SAVED if dirty else ""))

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        # Each section keeps its own unsaved edits; see their refresh methods.
        if kind not in _REFRESHING_KINDS:
            return
        if kind != "staff":
            self.opening_hours.refresh()
            self.visit_types.refresh()
            self.closed_days.refresh()
        self.working_hours.refresh(kind)
        self.time_off.refresh()


def _scrolling(section: QWidget) -> QScrollArea:
    """A form section that scrolls on a short screen instead of squeezing its rows together,
    and keeps a readable width on a wide one (hints wrap, buttons stay near the fields)."""
    section.setMaximumWidth(FORM_WIDTH)
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(section, 1)
    row.addStretch(0)
    area = QScrollArea()
    area.setObjectName("schedulingScroll")
    area.setWidget(holder)
    area.setWidgetResizable(True)
    # setWidget() makes the section paint the platform's grey; let the page's colour through.
    holder.setAutoFillBackground(False)
    area.viewport().setAutoFillBackground(False)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area
