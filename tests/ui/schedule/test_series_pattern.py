"""The series dialog's pattern fields: the end chosen by typing in its field, and the rule read
back at once in the recurrence service's words."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from ptclinic.services.recurrence import WeeklyPattern
from ptclinic.ui.schedule.series_pattern import PatternFields


def test_an_end_date_chooses_until_and_the_rule_reads_it(qtbot: QtBot) -> None:
    fields = PatternFields(datetime(2026, 12, 7, 10))
    qtbot.addWidget(fields.end_box)
    with qtbot.waitSignal(fields.changed):
        fields.until.setDate(QDate(2026, 12, 21))
    assert fields.for_until.isChecked()
    assert fields.pattern() == WeeklyPattern(
        (0,), time(10), date(2026, 12, 7), until=date(2026, 12, 21)
    )
    assert (
        fields.rule_text() == "Mondays at 10:00, 3 visits from Mon 07 Dec 2026 to Mon 21 Dec 2026."
    )
    fields.time_edit.setEditText("half ten")
    assert fields.pattern() is None
    assert fields.rule_text().startswith("⚠ The time could not be read")
    assert fields.rule_label.objectName() == "fieldError"
