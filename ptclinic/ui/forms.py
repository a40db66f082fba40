"""Form helpers: labelled rows with an error line under the field, shown in plain words.

Services raise ``ValidationError(field_errors)``; ``FieldErrors.show`` puts each message next to
the field it names and focuses the first one, so the person sees what to fix without a modal box.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.errors import ValidationError
from ptclinic.ui.unsaved import KeepsWorkDialog


class FieldErrors:
    def __init__(self, form: QFormLayout) -> None:
        self._form = form
        self._fields: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}
        self._order: list[str] = []

    def add_row(self, name: str, label: str, field: QWidget) -> None:
        """Add ``field`` under ``label`` with an (initially hidden) error line below it."""
        container = QWidget()
        box = QVBoxLayout(container)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(field)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        caption = QLabel(label)
        caption.setBuddy(field)
        self._form.addRow(caption, container)
        self._fields[name] = field
        self._labels[name] = error
        self._order.append(name)

    def clear(self) -> None:
        for label in self._labels.values():
            label.clear()
            label.hide()
        for field in self._fields.values():
            field.setProperty("invalid", False)
            field.style().unpolish(field)
            field.style().polish(field)

    def show(self, error: ValidationError) -> list[str]:
        """Show each field's message; returns messages for fields this form does not have."""
        self.clear()
        unplaced: list[str] = []
        first: QWidget | None = None
        for name in self._order:
            if name in error.field_errors:
                label = self._labels[name]
                label.setText("⚠ " + error.field_errors[name])
                label.show()
                field = self._fields[name]
                field.setProperty("invalid", True)
                field.style().unpolish(field)
                field.style().polish(field)
                first = first or field
        for name, message in error.field_errors.items():
            if name not in self._fields:
                unplaced.append(message)
        if first is not None:
            first.setFocus()
        return unplaced

    def message(self, name: str) -> str:
        label = self._labels[name]
        return label.text() if label.isVisible() or label.text() else ""

    def has(self, name: str) -> bool:
        return name in self._fields


TITLE_BAR = 40  # what a window's frame takes from the screen's height, before it is shown


class FormScroll(QScrollArea):
    """A dialog's form, scrolling only when the screen is lower than the form (a laptop at
    150 %): its size hint is the whole form's (QScrollArea's own stops at 24 lines), its minimum
    ``min_height``. Whatever gets the focus (Tab, a mnemonic, an error) is scrolled into view."""

    def __init__(self, content: QWidget, *, min_height: int = 160) -> None:
        super().__init__()
        self._content = content
        self._min_height = min_height
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The dialog's own background shows through (setWidget turns the content's fill on).
        self.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self._content.isAncestorOf(new):
            self.ensureWidgetVisible(new)

    def content(self) -> QWidget:
        return self._content

    def refresh(self) -> None:
        """Tell the dialog's layout the form's size changed (a scroll area does not)."""
        self._content.adjustSize()
        layout = self._content.layout()
        if layout is not None:
            layout.activate()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        content = self._content
        hint = content.sizeHint()
        width = max(hint.width(), self.viewport().width()) if self.isVisible() else hint.width()
        height = content.heightForWidth(width) if content.hasHeightForWidth() else -1
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(hint.width() + bar, height if height > 0 else hint.height())

    def minimumSizeHint(self) -> QSize:
        content = self._content
        bar = self.verticalScrollBar().sizeHint().width()
        height = min(content.sizeHint().height(), self._min_height)
        return QSize(content.minimumSizeHint().width() + bar, height)


def fit_height(dialog: QDialog, form: FormScroll, *, grow_only: bool) -> None:
    """Make ``dialog`` as tall as its form wants (messages under fields included), but no taller
    than the screen: then the form scrolls. ``grow_only``: keep a height the person gave it."""
    layout = dialog.layout()
    if layout is None:
        return
    dialog.ensurePolished()  # the style sheet's fonts and padding decide the height
    form.refresh()
    layout.activate()
    hint = layout.sizeHint()
    frame = dialog.frameGeometry().height() - dialog.geometry().height()
    screen = dialog.screen().availableGeometry()
    wanted = min(hint.height(), screen.height() - (frame if frame > 0 else TITLE_BAR))
    if grow_only and wanted <= dialog.height():
        return
    width = dialog.width() if dialog.isVisible() else max(hint.width(), dialog.minimumWidth())
    dialog.resize(width, wanted)


class FormsDialog(KeepsWorkDialog):
    """A dialog of one or more ``FieldErrors`` forms (``_forms``) in a ``FormScroll``
    (``form_scroll``) with a ``form_error`` line for what no field names: each message of a
    ValidationError goes beside its field, the rest to that line, and the dialog grows to show
    them. Subclasses build those three and say how to save (``KeepsWorkDialog``)."""

    unsaved_title = "Unsaved changes"
    _forms: list[FieldErrors]
    form_error: QLabel
    form_scroll: FormScroll

    def field_error(self, name: str) -> str:
        """The message shown beside field ``name`` (empty when there is none)."""
        for errors in self._forms:
            if errors.has(name):
                return errors.message(name)
        raise KeyError(name)

    def error_text(self) -> str:
        return self.form_error.text() if not self.form_error.isHidden() else ""

    def _clear_errors(self) -> None:
        self.form_error.hide()
        for errors in self._forms:
            errors.clear()

    def _show_field_errors(self, error: ValidationError) -> None:
        # Last form first, so that focus ends on the first problem in reading order.
        for errors in reversed(self._forms):
            errors.show(error)
        unplaced = [
            message
            for name, message in error.field_errors.items()
            if not any(errors.has(name) for errors in self._forms)
        ]
        if unplaced:
            self._show_error(" ".join(unplaced))
        self._fit_height()

    def _show_error(self, message: str) -> None:
        self.form_error.setText("⚠ " + message)
        self.form_error.show()
        self._fit_height()

    def _fit_height(self) -> None:
        fit_height(self, self.form_scroll, grow_only=self.isVisible())
