"""Form helpers: labelled rows with an error line under the field, shown in plain words.

Services raise ``ValidationError(field_errors)``; ``FieldErrors.show`` puts each message next to
the field it names and focuses the first one, so the person sees what to fix without a modal box.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from ptclinic.services.errors import ValidationError


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
