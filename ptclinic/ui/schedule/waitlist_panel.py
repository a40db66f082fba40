"""The waitlist beside the schedule: who is waiting, longest first, each as a small card (name,
since when, visit type and wishes, phone and note), narrow enough for a side panel.

Keys while the list has the keyboard: Ins adds, Del takes the selected patient off (with a
reason), Enter asks the page to book them (``book_requested``). The waitlist service has no
search of free slots for an entry's wishes, so booking is the page's: it opens its booking
dialog for the patient. The list follows ``events().data_changed`` for waitlist and
appointment changes (a hidden panel catches up when shown).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import calendar, waitlist
from ptclinic.services.actor import Actor
from ptclinic.services.patient_search import PatientSummary
from ptclinic.services.permissions import Permission, can
from ptclinic.services.waitlist import WaitlistItem
from ptclinic.ui.admin.common import (
    SERVICE_ERRORS,
    Column,
    MessageLine,
    RecordTableModel,
    describe,
)
from ptclinic.ui.events import events
from ptclinic.ui.schedule.form_parts import ScheduleChoices
from ptclinic.ui.schedule.painting import ACCENT, INK, LINE, MUTED_INK
from ptclinic.ui.schedule.waitlist_dialog import RemoveDialog, WaitlistDialog, since_text

log = logging.getLogger(__name__)

_REFRESHING_KINDS = {"waitlist", "appointment", "patient", "staff", "schedule_settings"}
AnyIndex = QModelIndex | QPersistentModelIndex


def _utc_now() -> datetime:
    return datetime.now(UTC)


# --- cards: a few wrapped lines per record, for narrow lists ---------------------------------


@dataclass(frozen=True)
class Card:
    """What one row shows: a bold title with a note at its right, then wrapped lines, the last
    ones (``quiet``) in a muted colour."""

    title: str
    corner: str
    lines: tuple[str, ...]
    quiet: tuple[str, ...] = ()

    def text(self) -> str:
        """All of it as plain text (tooltips, screen readers, tests)."""
        head = f"{self.title} · {self.corner}" if self.corner else self.title
        return "\n".join([head, *self.lines, *self.quiet])


class CardDelegate(QStyledItemDelegate):
    """Paints a ``RecordTableModel`` row as a ``Card`` (``card_of(record)``), its height
    following the list's width so nothing is clipped in a narrow panel."""

    PAD_X, PAD_Y, GAP = 10, 7, 2

    def __init__(self, card_of: Callable[[Any], Card], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._card_of = card_of

    def card(self, index: AnyIndex) -> Card:
        return self._card_of(index.data(RecordTableModel.RecordRole))

    def _width(self, option: QStyleOptionViewItem) -> int:
        view = option.widget
        if isinstance(view, QAbstractItemView):
            return max(view.viewport().width(), 120)
        return max(option.rect.width(), 120)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        plain = QFont(option.font)
        bold = QFont(plain)
        bold.setBold(True)
        return plain, bold

    def _lines(
        self, card: Card, option: QStyleOptionViewItem, width: int
    ) -> tuple[int, list[tuple[str, int, bool]]]:
        """The title's height and each further line with its wrapped height."""
        plain, bold = self._fonts(option)
        inner = max(width - 2 * self.PAD_X, 40)
        metrics = QFontMetrics(plain)
        flags = int(Qt.TextFlag.TextWordWrap)
        lines = [
            (text, metrics.boundingRect(QRect(0, 0, inner, 10_000), flags, text).height(), quiet)
            for texts, quiet in ((card.lines, False), (card.quiet, True))
            for text in texts
            if text
        ]
        return QFontMetrics(bold).height(), lines

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        width = self._width(option)
        title, lines = self._lines(self.card(index), option, width)
        height = 2 * self.PAD_Y + title + sum(h + self.GAP for _t, h, _q in lines)
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        card = self.card(index)
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        plain, bold = self._fonts(option)
        painter.save()
        painter.fillRect(rect, ACCENT if selected else Qt.GlobalColor.white)
        painter.setPen(LINE)
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if focused and not selected:
            painter.setPen(ACCENT)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        ink = Qt.GlobalColor.white if selected else INK
        muted = Qt.GlobalColor.white if selected else MUTED_INK
        left, width = rect.left() + self.PAD_X, rect.width() - 2 * self.PAD_X
        title_height, lines = self._lines(card, option, rect.width())
        top = rect.top() + self.PAD_Y
        painter.setFont(plain)
        corner_width = QFontMetrics(plain).horizontalAdvance(card.corner) if card.corner else 0
        if card.corner:
            painter.setPen(muted)
            corner = QRect(left, top, width, title_height)
            painter.drawText(corner, int(Qt.AlignmentFlag.AlignRight), card.corner)
        painter.setFont(bold)
        painter.setPen(ink)
        room = max(width - corner_width - (12 if corner_width else 0), 20)
        title = QFontMetrics(bold).elidedText(card.title, Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRect(left, top, room, title_height), 0, title)
        top += title_height + self.GAP
        painter.setFont(plain)
        for text, height, quiet in lines:
            painter.setPen(muted if quiet else ink)
            painter.drawText(QRect(left, top, width, height), int(Qt.TextFlag.TextWordWrap), text)
            top += height + self.GAP
        painter.restore()


def card_list(model: RecordTableModel[Any], card_of: Callable[[Any], Card]) -> QListView:
    """A one-column list of cards over ``model``; rows grow to fit their wrapped text."""
    view = QListView()
    view.setObjectName("waitlistCards")
    view.setModel(model)
    view.setItemDelegate(CardDelegate(card_of, view))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setUniformItemSizes(False)
    view.setResizeMode(QListView.ResizeMode.Adjust)  # a new width re-measures every card
    view.setWordWrap(True)
    return view


def item_card(item: WaitlistItem, zone: ZoneInfo, today: date) -> Card:
    """Ortiz, Maria · since Nov 2 / Follow-up · Mon, Thu · 08:00–12:00 · … / phone · note."""
    quiet = item.patient_phone or "no phone on file"
    if item.note:
        quiet += f" · “{item.note}”"
    return Card(
        item.patient_name,
        since_text(item, zone, today),
        (f"{item.visit_label} · {item.wishes_text()}",),
        (quiet,),
    )


def _matches(item: WaitlistItem, words: list[str]) -> bool:
    haystack = " ".join(
        (
            item.patient_name,
            item.patient_short,
            item.patient_phone,
            item.visit_label,
            item.wishes_text(),
            item.note,
        )
    ).lower()
    return all(word in haystack for word in words)


# --- the panel --------------------------------------------------------------------------------


class WaitlistPanel(QWidget):
    """Who is waiting, with a filter and Add / Remove / Book. ``book_requested(WaitlistItem)``
    asks the page to book the selected patient; ``clock`` gives the current moment."""

    book_requested = Signal(object)

    def __init__(
        self,
        db: Database,
        actor: Actor,
        zone: ZoneInfo,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._zone, self._clock = db, actor, zone, clock
        self._all: list[WaitlistItem] = []
        self._stale = False
        self._may_change = can(actor, Permission.MANAGE_SCHEDULE)
        self.setObjectName("waitlistPanel")
        self.setMinimumWidth(280)

        title = QLabel("Waitlist")
        title.setObjectName("sectionTitle")
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("waitlistFilter")
        self.filter_edit.setPlaceholderText("Filter: name, day, therapist…")
        self.filter_edit.setAccessibleName("Filter the waitlist")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(lambda _text: self._show_filtered())
        self.message = MessageLine()
        self.model: RecordTableModel[WaitlistItem] = RecordTableModel(
            [Column("Waiting", lambda item: self.card(item).text())], self
        )
        self.list = card_list(self.model, self.card)
        self.list.setAccessibleName("Patients on the waitlist")
        self.list.doubleClicked.connect(lambda _index: self.book())
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty_label = QLabel()
        self.empty_label.setObjectName("hint")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        self.add_button = QPushButton("&Add…")
        self.add_button.setToolTip("Put a patient on the waitlist (Ins)")
        self.remove_button = QPushButton("&Remove…")
        self.remove_button.setToolTip("Take the selected patient off the waitlist (Del)")
        self.book_button = QPushButton("Boo&k…")
        self.book_button.setObjectName("primary")
        self.book_button.setToolTip("Book a visit for the selected patient (Enter)")
        self.add_button.clicked.connect(lambda: self.add())
        self.remove_button.clicked.connect(self.remove)
        self.book_button.clicked.connect(self.book)
        self._shortcuts()

        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for button in (self.add_button, self.remove_button, self.book_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)
        self.setFocusProxy(self.list)
        self.setTabOrder(self.filter_edit, self.list)

        events().data_changed.connect(self._on_data_changed)
        self.refresh()

    def _shortcuts(self) -> None:
        # Keys are claimed before any shortcut sees them (ShortcutOverride): the page around
        # the panel binds Delete to cancelling the selected visit, which must never happen
        # while the keyboard is in the waitlist.
        self.list.installEventFilter(self)
        self.filter_edit.installEventFilter(self)
        # Enter in the filter books the match highlighted below it.
        self.filter_edit.returnPressed.connect(self.book)

    def _key_action(self, watched: QObject, key: int) -> Callable[[], object] | None:
        if key == Qt.Key.Key_Insert:
            return self.add
        if watched is self.list:
            if key == Qt.Key.Key_Delete:
                return self.remove
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                return self.book
        elif key == Qt.Key.Key_Down:  # from the filter down into the list
            return lambda: self.list.setFocus(Qt.FocusReason.TabFocusReason)
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (
            watched in (self.list, self.filter_edit)
            and kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and isinstance(event, QKeyEvent)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            action = self._key_action(watched, event.key())
            if action is not None:
                event.accept()
                if kind == QEvent.Type.KeyPress:
                    action()
                return True
        return super().eventFilter(watched, event)

    # --- what is shown ------------------------------------------------------------------------

    def _today(self) -> date:
        return self._clock().astimezone(self._zone).date()

    def card(self, item: WaitlistItem) -> Card:
        return item_card(item, self._zone, self._today())

    def set_zone(self, zone: ZoneInfo) -> None:
        """The clinic's time zone changed (the page reads it anew)."""
        self._zone = zone
        self.refresh()

    def refresh(self) -> None:
        """Read the waiting list again, keeping the selection."""
        self._stale = False
        chosen = self.selected()
        try:
            self._all = waitlist.waiting_list(self._db, self._actor)
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        if self.message.is_error():
            self.message.clear_message()
        self._show_filtered(chosen.id if chosen else None)

    def _show_filtered(self, keep: int | None = None) -> None:
        if keep is None and (chosen := self.selected()) is not None:
            keep = chosen.id
        words = self.filter_edit.text().lower().split()
        shown = [item for item in self._all if _matches(item, words)]
        self.model.set_records(shown)
        if not (keep is not None and self.select(keep)) and shown:
            self.list.setCurrentIndex(self.model.index(0, 0))
        total = len(self._all)
        self.count_label.setText(
            f"{len(shown)} of {total} shown" if words and total else f"{total} waiting"
        )
        if not total:
            self.empty_label.setText(
                "Nobody is waiting. Press Ins to add a patient who wants a visit sooner."
            )
        elif not shown:
            self.empty_label.setText(f"Nobody on the waitlist matches “{self.filter_edit.text()}”.")
        self.empty_label.setVisible(not shown)
        self._update_buttons()

    def items(self) -> list[WaitlistItem]:
        """The entries shown now (after the filter), in order."""
        return self.model.records()

    def selected(self) -> WaitlistItem | None:
        index = self.list.currentIndex()
        selection = self.list.selectionModel()
        if not index.isValid() or not selection.isSelected(index):
            return None
        return self.model.record(index.row())

    def select(self, entry_id: int) -> bool:
        for row, item in enumerate(self.model.records()):
            if item.id == entry_id:
                self.list.setCurrentIndex(self.model.index(row, 0))
                return True
        return False

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.add_button.setEnabled(self._may_change)
        self.remove_button.setEnabled(self._may_change and chosen)
        self.book_button.setEnabled(self._may_change and chosen)

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        if kind not in _REFRESHING_KINDS:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # read when shown, not behind the person's back

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # --- actions ------------------------------------------------------------------------------

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show a dialog modally (tests replace this to drive it); the keyboard comes back to
        the list afterwards."""
        try:
            return dialog.exec()
        finally:
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def add(self, patient: PatientSummary | None = None, therapist_id: int | None = None) -> None:
        """Open the Add dialog (``patient`` and ``therapist_id`` preselected when given)."""
        if not self._may_change:
            return
        self.message.clear_message()
        try:
            choices = ScheduleChoices(
                calendar.clinicians(self._db, self._actor), [], calendar.visit_types(self._db)
            )
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        dialog = WaitlistDialog(
            self._db,
            self._actor,
            choices,
            today=self._today(),
            patient=patient,
            therapist_id=therapist_id,
            parent=self,
        )
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        saved = dialog.saved
        dialog.deleteLater()
        if not accepted or saved is None:
            return
        self.filter_edit.clear()
        if not self.select(saved.id):
            self.refresh()
            self.select(saved.id)
        self.message.show_notice(f"{saved.patient_short} is on the waitlist.")

    def remove(self) -> None:
        item = self.selected()
        if item is None or not self._may_change:
            return
        self.message.clear_message()
        dialog = RemoveDialog(self._db, self._actor, item, self._zone, self._today(), self)
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        stale = dialog.stale
        dialog.deleteLater()
        if accepted:
            self.message.show_notice(f"{item.patient_short} is off the waitlist.")
        elif stale:
            # Booked, removed or changed elsewhere meanwhile: show the list as it is now.
            self.refresh()
            self.message.show_error(
                f"{item.patient_short}'s entry was changed on another workstation, so nothing "
                "was removed. The list now shows it as it is."
            )

    def book(self) -> None:
        item = self.selected()
        if item is not None and self._may_change:
            self.message.clear_message()
            self.book_requested.emit(item)
