"""The Schedule page's one toolbar row: where you are (arrows, Today, the date as a title), how
you look at it (day or week, therapists or rooms, whose week) and what to do (go to a date,
book). One row, so the grid keeps the height a whole day needs on a laptop screen."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from ptclinic.ui.schedule.layout import Arrangement


def _button(text: str, tip: str, name: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    if name:
        button.setObjectName(name)
    return button


class ScheduleToolbar(QWidget):
    previous = Signal()
    next = Signal()
    today = Signal()
    go_to_date = Signal()
    book = Signal()
    print_sheet = Signal()
    waitlist_toggled = Signal(bool)
    week_chosen = Signal(bool)  # True: one therapist's week; False: the day
    rooms_chosen = Signal(bool)  # True: a column per room; False: per therapist
    therapist_chosen = Signal(int)  # whose week

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.today_badge = QLabel("Today")
        self.today_badge.setObjectName("scheduleToday")
        self.prev_button = _button("◀", "", "scheduleArrow")
        self.prev_button.setAccessibleName("Previous")
        self.today_button = _button("Today", "Go to today (T or Ctrl+T)")
        self.next_button = _button("▶", "", "scheduleArrow")
        self.next_button.setAccessibleName("Next")
        self.day_button = _button("Day", "One day, a column per therapist or room (D)")
        self.week_button = _button("Week", "One therapist's week (W)")
        self.therapists_button = _button("Therapists", "A column per therapist (R toggles)")
        self.rooms_button = _button("Rooms", "A column per room (R toggles)")
        self.goto_button = _button("Date…", "Go to a date (Ctrl+G)")
        self.book_button = _button("&Book…", "Book a visit (Ctrl+B)", "primary")
        self.print_button = _button("Print…", "Print or save the day sheet (Ctrl+P)")
        self.waitlist_button = _button("Waitlist", "Show who is waiting for a slot (Ctrl+Shift+W)")
        self.waitlist_button.setCheckable(True)
        self.waitlist_button.setObjectName("scheduleToggle")
        for pair in (
            (self.day_button, self.week_button),
            (self.therapists_button, self.rooms_button),
        ):
            group = QButtonGroup(self)
            for button in pair:
                button.setCheckable(True)
                button.setObjectName("scheduleToggle")
                group.addButton(button)
        self.therapist_box = QComboBox()
        self.therapist_box.setObjectName("scheduleWeekTherapist")
        self.therapist_box.setAccessibleName("Whose week")
        self.therapist_box.setToolTip("Whose week is shown")

        self.prev_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.today_button.clicked.connect(self.today)
        self.goto_button.clicked.connect(self.go_to_date)
        self.book_button.clicked.connect(self.book)
        self.print_button.clicked.connect(self.print_sheet)
        self.waitlist_button.toggled.connect(self.waitlist_toggled)
        self.day_button.clicked.connect(lambda: self.week_chosen.emit(False))
        self.week_button.clicked.connect(lambda: self.week_chosen.emit(True))
        self.therapists_button.clicked.connect(lambda: self.rooms_chosen.emit(False))
        self.rooms_button.clicked.connect(lambda: self.rooms_chosen.emit(True))
        self.therapist_box.currentIndexChanged.connect(self._therapist_changed)

        # Where you are on the left, how to look and what to do on the right: one row on a
        # laptop, two when the window (or a 150 % text size) leaves too little width.
        self._left = QWidget()
        left = QHBoxLayout(self._left)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(6)
        for widget in (self.prev_button, self.today_button, self.next_button):
            left.addWidget(widget)
        left.addSpacing(10)
        left.addWidget(self.title)
        left.addWidget(self.today_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        left.addStretch(1)
        # How to look, then what to do: beside each other, or on rows of their own.
        self._views = QWidget()
        views = QHBoxLayout(self._views)
        views.setContentsMargins(0, 0, 0, 0)
        views.setSpacing(6)
        views.addStretch(1)
        for widget in (self.day_button, self.week_button):
            views.addWidget(widget)
        views.addSpacing(10)
        for control in (self.therapists_button, self.rooms_button, self.therapist_box):
            views.addWidget(control)
        self._actions = QWidget()
        actions = QHBoxLayout(self._actions)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(6)
        actions.addStretch(1)
        for widget in (self.goto_button, self.print_button, self.waitlist_button):
            actions.addWidget(widget)
        actions.addWidget(self.book_button)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(6)
        self.rows = 0
        self._arrange(1)

    def _parts(self) -> tuple[QWidget, QWidget, QWidget]:
        return self._left, self._views, self._actions

    def minimumSizeHint(self) -> QSize:
        # As narrow as the widest part: below the width of all three, they stack.
        widest = max(part.minimumSizeHint().width() for part in self._parts())
        return QSize(widest, super().minimumSizeHint().height())

    def _arrange(self, rows: int) -> None:
        """One row (all three parts), two (where you are; how to look and what to do) or three
        (each part on its own row) on a narrow window or a large text size."""
        if rows == self.rows:
            return
        self.rows = rows
        for part in self._parts():
            self._grid.removeWidget(part)
        left, views, actions = self._parts()
        # (row, column, rows spanned, columns spanned) of each part
        places: dict[int, tuple[tuple[int, int, int, int], ...]] = {
            1: ((0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 1, 1)),
            2: ((0, 0, 1, 2), (1, 0, 1, 1), (1, 1, 1, 1)),
            3: ((0, 0, 1, 1), (1, 0, 1, 1), (2, 0, 1, 1)),
        }
        for widget, (row, column, down, across) in zip(
            (left, views, actions), places[rows], strict=True
        ):
            self._grid.addWidget(widget, row, column, down, across)
        self.updateGeometry()

    @property
    def two_rows(self) -> bool:
        return self.rows > 1

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        left, views, actions = (part.sizeHint().width() for part in self._parts())
        if width >= left + views + actions + 24:
            self._arrange(1)
        elif width >= views + actions + 12:
            self._arrange(2)
        else:
            self._arrange(3)

    def _therapist_changed(self, _index: int) -> None:
        staff_id = self.therapist_box.currentData()
        if staff_id is not None:
            self.therapist_chosen.emit(int(staff_id))

    def set_therapists(self, people: Sequence[tuple[str, int]], current: int | None) -> None:
        """Fill "whose week" (names and staff ids) without announcing a choice."""
        self.therapist_box.blockSignals(True)
        listed = [
            (self.therapist_box.itemText(i), self.therapist_box.itemData(i))
            for i in range(self.therapist_box.count())
        ]
        if listed != list(people):
            self.therapist_box.clear()
            for name, staff_id in people:
                self.therapist_box.addItem(name, staff_id)
        self.therapist_box.setCurrentIndex(self.therapist_box.findData(current))
        self.therapist_box.blockSignals(False)

    def set_waiting(self, count: int) -> None:
        """The waitlist button says how many people wait, so a freed slot brings them to mind."""
        self.waitlist_button.setText(f"Waitlist ({count})" if count else "Waitlist")

    def show_state(self, arrangement: Arrangement, title: str, badge: str) -> None:
        """The title, the "Today" / "This week" badge (hidden when empty) and the toggles."""
        week = arrangement is Arrangement.WEEK
        self.title.setText(title)
        self.today_badge.setText(badge)
        self.today_badge.setVisible(bool(badge))
        unit = "week" if week else "day"
        self.prev_button.setToolTip(f"Previous {unit} (Left or Alt+Left)")
        self.next_button.setToolTip(f"Next {unit} (Right or Alt+Right)")
        self.day_button.setChecked(not week)
        self.week_button.setChecked(week)
        self.therapists_button.setChecked(arrangement is Arrangement.THERAPISTS)
        self.rooms_button.setChecked(arrangement is Arrangement.ROOMS)
        self.therapists_button.setVisible(not week)
        self.rooms_button.setVisible(not week)
        self.therapist_box.setVisible(week)
