"""The Audit log tab: who did what, when, to which patient's data, filtered and paged in SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import staff
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction, AuditFilter
from ptclinic.services.clinic import clinic_today, clinic_zone
from ptclinic.ui.admin.audit_model import AuditLogModel, action_label, count_text, day_bounds
from ptclinic.ui.admin.common import SERVICE_ERRORS, MessageLine, describe
from ptclinic.ui.date_field import DateField, to_qdate
from ptclinic.ui.events import events

DEFAULT_DAYS = 7
CHART_TYPING_PAUSE_MS = 400


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def date_edit(day: date, today: Callable[[], date]) -> DateField:
    """A day of the filter, "Mon Nov 16, 2026" (the weekday in sight), as wide as a date."""
    return DateField(to_qdate(day), today=today)


class AuditTab(QWidget):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._stale = False

        self.user = QComboBox()
        self.user.setMinimumContentsLength(22)
        self.action = QComboBox()
        self.action.addItem("Any", "")
        for action in AuditAction:
            self.action.addItem(action_label(action), action.value)
        self.chart = QLineEdit()
        self.chart.setPlaceholderText("e.g. 1042")
        self.chart.setClearButtonEnabled(True)
        self.chart.setFixedWidth(150)
        today = self._today()
        self.since = date_edit(today - timedelta(days=DEFAULT_DAYS - 1), self._today)
        self.until = date_edit(today, self._today)
        self.since.setToolTip("Events from the start of this day (clinic time)")
        self.until.setToolTip("Events up to the end of this day (clinic time)")
        self.refresh_button = QPushButton("Refres&h")
        self.refresh_button.setToolTip("Show events recorded since the list was loaded (F5)")
        self.clear_button = QPushButton("Cl&ear filters")
        self.clear_button.setToolTip("Everyone, every action, the last 7 days")
        self.count = QLabel()
        self.count.setObjectName("sectionTitle")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.message = MessageLine()

        self.model = AuditLogModel(db, actor, self)
        self.model.failed.connect(self.message.show_error)
        self.table = self._make_table()

        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        self._chart_timer.setInterval(CHART_TYPING_PAUSE_MS)
        self._chart_timer.timeout.connect(self.apply_filters)
        self.chart.textEdited.connect(lambda _text: self._chart_timer.start())
        self.chart.returnPressed.connect(self.apply_filters)
        self.user.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.action.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.since.dateChanged.connect(lambda _d: self.apply_filters())
        self.until.dateChanged.connect(lambda _d: self.apply_filters())
        self.refresh_button.clicked.connect(self.refresh)
        self.clear_button.clicked.connect(self.clear_filters)
        refresh_key = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh_key.activated.connect(self.refresh)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 14, 0, 0)  # flush with the tab bar and page title
        layout.setSpacing(10)
        layout.addLayout(self._filter_rows())
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        self._load_users()
        events().data_changed.connect(self._on_data_changed)
        self.apply_filters()

    def _filter_rows(self) -> QVBoxLayout:
        rows: list[list[tuple[str, QWidget]]] = [
            [("&User", self.user), ("A&ction", self.action), ("&Patient chart #", self.chart)],
            # Not "&To": Qt measures "To" kerned but draws it unkerned around the underline,
            # which clips the "o".
            [("&From", self.since), ("Un&til", self.until)],
        ]
        column = QVBoxLayout()
        column.setSpacing(8)
        lines: list[QHBoxLayout] = []
        for row in rows:
            line = QHBoxLayout()
            line.setSpacing(8)
            for text, field in row:
                label = QLabel(text)
                label.setBuddy(field)
                line.addWidget(label)
                line.addWidget(field)
                line.addSpacing(14)
            lines.append(line)
            column.addLayout(line)
        lines[0].addStretch(1)
        lines[1].addWidget(self.refresh_button)
        lines[1].addWidget(self.clear_button)
        lines[1].addStretch(1)
        lines[1].addWidget(self.count)
        return column

    def _make_table(self) -> QTableView:
        view = QTableView()
        view.setObjectName("adminTable")
        view.setModel(self.model)
        view.setAccessibleName("Audit events")
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(28)
        header = view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        fixed = {
            AuditLogModel.WHEN: 165,
            AuditLogModel.USER: 130,
            AuditLogModel.ACTION: 150,
            AuditLogModel.PATIENT: 230,
            AuditLogModel.WORKSTATION: 150,
        }
        # Fixed starting widths rather than fit-to-contents: contents grow page by page, and a long
        # workstation name must not push "What" off screen. Full text is in each cell's tooltip.
        for column, width in fixed.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(AuditLogModel.WHAT, QHeaderView.ResizeMode.Stretch)
        return view

    # --- filters ------------------------------------------------------------------------------

    def _today(self) -> date:
        try:
            return clinic_today(self._db)
        except SERVICE_ERRORS:
            return date.today()

    def _load_users(self) -> None:
        chosen = self.user.currentData()
        try:
            people = staff.list_staff(self._db)
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            people = []
        self.user.blockSignals(True)  # refilling the list is not a filter change
        self.user.clear()
        self.user.addItem("Anyone", "")
        for person in people:
            self.user.addItem(f"{person.full_name} ({person.username})", person.username)
        self.user.setCurrentIndex(max(0, self.user.findData(chosen or "")))
        self.user.blockSignals(False)

    def current_filter(self) -> AuditFilter | None:
        """The filter on screen, or None when the dates are the wrong way round."""
        first, last = _pydate(self.since.date()), _pydate(self.until.date())
        if first > last:
            return None
        try:
            since, until = day_bounds(first, last, clinic_zone(self._db))
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return None
        return AuditFilter(
            username=str(self.user.currentData() or ""),
            chart_number=self.chart.text().strip(),
            action=str(self.action.currentData() or ""),
            since=since,
            until=until,
        )

    def apply_filters(self) -> None:
        self._chart_timer.stop()
        self.message.clear_message()
        filters = self.current_filter()
        if filters is None:
            if not self.message.is_error():  # a database problem's message comes first
                self.message.show_error("The From date is after the To date. Change one of them.")
            self.model.clear()
            self.count.setText(count_text(0))
            return
        self.model.set_filter(filters)
        self.count.setText(count_text(self.model.total))
        self._stale = False

    def refresh(self) -> None:
        self._load_users()
        self.apply_filters()

    def clear_filters(self) -> None:
        today = self._today()
        for widget in (self.user, self.action, self.chart, self.since, self.until):
            widget.blockSignals(True)
        self.user.setCurrentIndex(0)
        self.action.setCurrentIndex(0)
        self.chart.clear()
        self.since.setDate(to_qdate(today - timedelta(days=DEFAULT_DAYS - 1)))
        self.until.setDate(to_qdate(today))
        for widget in (self.user, self.action, self.chart, self.since, self.until):
            widget.blockSignals(False)
        self.apply_filters()

    # --- keeping up ---------------------------------------------------------------------------

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        # Every change writes an audit event. Reloading a list someone is reading would lose their
        # place, so a visible log waits for Refresh and a hidden one reloads when next shown.
        self._stale = True
        if kind == "staff":
            self._load_users()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
