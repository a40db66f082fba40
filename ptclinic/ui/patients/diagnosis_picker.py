"""Choosing an episode's diagnoses from the clinic's shipped ICD-10-CM list, keyboard first.

Type in the search box ("sacro", "m461", "sciat left"): the matches appear under it, grouped by
region, the best one highlighted. Up/Down move the highlight without leaving the box, Enter (or a
double-click) adds the highlighted diagnosis to the chosen list, and the box empties for the next
one. The chosen list keeps its order, the first being the primary diagnosis (marked in words and
in bold, not by colour); Ctrl+Up / Ctrl+Down move the current one, Del removes it.

Enter with nothing typed (and nothing highlighted by hand) is left to the dialog, so it still
saves the form. All searching is ``services.diagnoses.search_diagnoses``; the picker judges
nothing itself (the episodes service refuses a code twice or too many codes, in its words).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.diagnoses import Diagnosis, search_diagnoses
from ptclinic.services.text import search_key

SEARCH_PLACEHOLDER = "Code or words, e.g. sacro, M46.1, sciat left"
BROWSE_LIMIT = 200  # the whole shipped list, when nothing is typed
RESULT_ROWS = 8
CHOSEN_ROWS = 5
NOT_LISTED = "(not on the clinic's diagnosis list)"
CHOSEN_TITLE = "Chosen, the first is the primary diagnosis:"
NONE_CHOSEN = "None chosen yet: search above, then Enter adds the highlighted diagnosis."
PRIMARY = "primary"
CODE_ROLE = Qt.ItemDataRole.UserRole
_NAVIGATION_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}
_ENTER_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}


def listed_diagnosis(code: str) -> Diagnosis | None:
    """The shipped list's entry for exactly ``code`` (dot and case optional), if any."""
    key = search_key(code)
    return next((d for d in search_diagnoses(code) if search_key(d.code) == key), None)


def chosen_text(position: int, code: str, description: str) -> str:
    """ "1. M46.1  Sacroiliitis, not elsewhere classified — primary"."""
    text = f"{position}. {code}  {description}"
    return f"{text} — {PRIMARY}" if position == 1 else text


class DiagnosisPicker(QWidget):
    """``codes()`` the chosen codes in order (first = primary); ``set_codes`` replaces them.
    ``changed`` is emitted whenever the chosen list changes (added, removed, moved, set)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chosen: list[tuple[str, str]] = []  # (code, description)
        self._armed = False  # whether Enter in the search box adds (something was sought)
        self._items: list[QTreeWidgetItem] = []  # the results, top to bottom

        self.search = QLineEdit()
        self.search.setObjectName("diagnosisSearch")
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find a diagnosis")
        self.search.setToolTip(
            "Type a code or words; ↑ ↓ choose, Enter adds the highlighted diagnosis"
        )
        self.search.installEventFilter(self)
        self.search.textChanged.connect(self._run_search)

        self.results = QTreeWidget()
        self.results.setObjectName("diagnosisResults")
        self.results.setColumnCount(2)
        self.results.setHeaderLabels(["Code", "Diagnosis"])
        self.results.setRootIsDecorated(False)
        self.results.setIndentation(0)
        self.results.setUniformRowHeights(True)
        self.results.setAlternatingRowColors(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The keys stay in the search box; the list follows them (and the mouse).
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setAccessibleName("Matching diagnoses")
        header = self.results.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.results.itemDoubleClicked.connect(lambda item, _column: self._add_item(item))

        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)

        self.chosen_title = QLabel()
        self.chosen_list = QListWidget()
        self.chosen_list.setObjectName("chosenDiagnoses")
        self.chosen_list.setAccessibleName("Chosen diagnoses, the first is primary")
        self.chosen_list.setWordWrap(True)
        self.chosen_list.setToolTip("Ctrl+↑ / Ctrl+↓ move the diagnosis, Del removes it")
        self.chosen_list.installEventFilter(self)
        self.chosen_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.chosen_title.setBuddy(self.chosen_list)
        self.chosen_title.setWordWrap(True)

        self.up_button = QPushButton("Move up")
        self.up_button.setToolTip("Move the diagnosis up; the first is primary (Ctrl+↑)")
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = QPushButton("Move down")
        self.down_button.setToolTip("Move the diagnosis down (Ctrl+↓)")
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Take the diagnosis off the list (Del)")
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.up_button, self.down_button, self.remove_button):
            button.setAutoDefault(False)  # Enter in a dialog saves; it never moves a diagnosis
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in (self.search, self.results, self.hint, self.chosen_title):
            layout.addWidget(widget)
        layout.addWidget(self.chosen_list)
        layout.addLayout(buttons)
        self.setFocusProxy(self.search)  # a row's mnemonic lands in the search box
        self._run_search("")
        self._size_lists()
        self._show_chosen()

    # --- public -------------------------------------------------------------------------------

    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _description in self._chosen)

    def set_codes(self, codes: Iterable[str]) -> None:
        """Replace the chosen list; a code not on the shipped list is kept and marked as such
        (the service says what to do about it when the form is saved)."""
        chosen: list[tuple[str, str]] = []
        for code in codes:
            found = listed_diagnosis(code)
            chosen.append((found.code, found.description) if found else (code, NOT_LISTED))
        self._chosen = chosen
        self._show_chosen()
        self._mark_results()
        self.changed.emit()

    def add(self, code: str) -> bool:
        """Add a listed code at the end; False (and a hint) when it is chosen already."""
        found = listed_diagnosis(code)
        if found is None:
            self._say(f"“{code}” is not on the clinic's diagnosis list.")
            return False
        codes = self.codes()
        if found.code in codes:
            self._say(f"{found.code} is already chosen (number {codes.index(found.code) + 1}).")
            self.chosen_list.setCurrentRow(codes.index(found.code))
            return False
        self._chosen.append((found.code, found.description))
        self._show_chosen()
        self.chosen_list.setCurrentRow(len(self._chosen) - 1)
        self._mark_results()
        primary = " It is the primary diagnosis." if not codes else ""
        self._say(f"✓ Added {found.code}.{primary}")
        self.changed.emit()
        return True

    def remove_current(self) -> None:
        row = self.chosen_list.currentRow()
        if not 0 <= row < len(self._chosen):
            return
        code, _description = self._chosen.pop(row)
        self._show_chosen()
        if self._chosen:
            self.chosen_list.setCurrentRow(min(row, len(self._chosen) - 1))
        self._mark_results()
        self._say(f"Removed {code}.")
        self.changed.emit()

    def move_current(self, step: int) -> None:
        row = self.chosen_list.currentRow()
        target = row + step
        if not (0 <= row < len(self._chosen) and 0 <= target < len(self._chosen)):
            return
        self._chosen[row], self._chosen[target] = self._chosen[target], self._chosen[row]
        self._show_chosen()
        self.chosen_list.setCurrentRow(target)
        if target == 0:
            self._say(f"{self._chosen[0][0]} is now the primary diagnosis.")
        self.changed.emit()

    def result_codes(self) -> list[str]:
        """The codes the results list shows, top to bottom (group headings left out)."""
        return [str(item.data(0, CODE_ROLE)) for item in self._items]

    def highlighted_code(self) -> str | None:
        item = self.results.currentItem()
        code = item.data(0, CODE_ROLE) if item is not None else None
        return str(code) if code else None

    # --- searching ----------------------------------------------------------------------------

    def _run_search(self, text: str) -> None:
        typed = bool(text.strip())
        found = search_diagnoses(text) if typed else search_diagnoses("", limit=BROWSE_LIMIT)
        self.results.clear()
        self._items = []
        # Groups in the order of their best match, so the best match stays on top. A flat list
        # (a heading row, then its codes): a disabled heading is stepped over by the arrow keys,
        # whereas a disabled parent would disable its children too.
        groups: dict[str, list[Diagnosis]] = {}
        for diagnosis in found:
            groups.setdefault(diagnosis.group, []).append(diagnosis)
        for group, members in groups.items():
            self._heading(group)
            for diagnosis in members:
                item = QTreeWidgetItem(self.results, ["", diagnosis.description])
                item.setData(0, CODE_ROLE, diagnosis.code)
                item.setToolTip(1, f"{diagnosis.text()} ({diagnosis.group})")
                self._items.append(item)
        self._mark_results()
        self._armed = typed
        if typed and self._items:
            self.results.setCurrentItem(self._items[0])
            self.results.scrollToItem(self._items[0])
            self._say("↑ ↓ to choose, Enter adds the highlighted diagnosis.")
        elif typed:
            self._say(
                f"No diagnosis on the list matches “{text.strip()}”. Try the code (e.g. M46.1) "
                "or another word (“sacroiliac”, “sciatica”)."
            )
        else:
            self.results.setCurrentIndex(QModelIndex())
            self.results.clearSelection()
            self.results.scrollToTop()
            self._say("The whole list, by region. Type to narrow it.")

    def _heading(self, group: str) -> QTreeWidgetItem:
        heading = QTreeWidgetItem(self.results, [group])
        # Not selectable and not enabled: the arrow keys step over it. Its own ink and weight
        # keep it readable (a disabled item is otherwise drawn grey).
        heading.setFlags(Qt.ItemFlag.NoItemFlags)
        heading.setFirstColumnSpanned(True)
        font = heading.font(0)
        font.setWeight(QFont.Weight.DemiBold)
        heading.setFont(0, font)
        heading.setForeground(0, self.palette().text())
        return heading

    def _mark_results(self) -> None:
        """A tick before the codes already chosen."""
        chosen = set(self.codes())
        for item in self._items:
            code = str(item.data(0, CODE_ROLE))
            item.setText(0, f"✓ {code}" if code in chosen else code)

    def _add_item(self, item: QTreeWidgetItem | None) -> None:
        code = item.data(0, CODE_ROLE) if item is not None else None
        if not code:
            return
        if str(code) not in self.codes():
            self.search.clear()  # ready for the next one (the hint then says what was added)
        self.add(str(code))
        self.search.setFocus()

    def _say(self, text: str) -> None:
        self.hint.setText(text)

    # --- the chosen list ----------------------------------------------------------------------

    def _show_chosen(self) -> None:
        row = self.chosen_list.currentRow()
        self.chosen_list.clear()
        for position, (code, description) in enumerate(self._chosen, start=1):
            item = QListWidgetItem(chosen_text(position, code, description))
            item.setData(CODE_ROLE, code)
            item.setToolTip(f"{code} {description}")
            if position == 1:
                font = item.font()
                font.setWeight(QFont.Weight.DemiBold)
                item.setFont(font)
            self.chosen_list.addItem(item)
        if 0 <= row < len(self._chosen):
            self.chosen_list.setCurrentRow(row)
        self.chosen_title.setText(CHOSEN_TITLE if self._chosen else NONE_CHOSEN)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.chosen_list.currentRow()
        valid = 0 <= row < len(self._chosen)
        self.up_button.setEnabled(valid and row > 0)
        self.down_button.setEnabled(valid and row < len(self._chosen) - 1)
        self.remove_button.setEnabled(valid)

    def _size_lists(self) -> None:
        # Measured with the style sheet's font (applied once polished), from a real row.
        self.results.ensurePolished()
        self.chosen_list.ensurePolished()
        row = max(self.results.sizeHintForRow(0), self.results.fontMetrics().height() + 4)
        header = self.results.header().sizeHint().height()
        self.results.setFixedHeight(header + RESULT_ROWS * row + 2 * self.results.frameWidth())
        # A few lines (a long description wraps onto two); more chosen codes scroll.
        line = self.chosen_list.fontMetrics().height() + 6
        self.chosen_list.setFixedHeight(CHOSEN_ROWS * line + 2 * self.chosen_list.frameWidth())

    # --- keys ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent)
        if watched is self.search:
            return self._search_key(event) or super().eventFilter(watched, event)
        if watched is self.chosen_list:
            return self._chosen_key(event) or super().eventFilter(watched, event)
        return super().eventFilter(watched, event)

    def _search_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _NAVIGATION_KEYS:
            if self.results.currentItem() is None and key == Qt.Key.Key_Down:
                if self._items:
                    self.results.setCurrentItem(self._items[0])
            else:
                QApplication.sendEvent(self.results, event)
            self._armed = True
            return True
        if key in _ENTER_KEYS and self._armed and self.highlighted_code():
            self._add_item(self.results.currentItem())
            return True  # Enter here adds; it never saves the half-chosen form
        if key == Qt.Key.Key_Escape and self.search.text():
            self.search.clear()
            return True
        return False

    def _chosen_key(self, event: QKeyEvent) -> bool:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._chosen:
            self.remove_current()
            return True
        if mods & Qt.KeyboardModifier.ControlModifier and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_current(-1 if key == Qt.Key.Key_Up else 1)
            return True
        return False
