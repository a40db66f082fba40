"""The house date field, used as a person would: a date typed whole, arrow keys, the calendar, a
refusal said beside the field, and the optional field's "No date"."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QTableView,
)
from pytestqt.qtbot import QtBot

from ptclinic.ui.date_field import NO_DATE, NO_DATE_TEXT, DateField, OptionalDateField

TODAY = date(2026, 11, 23)  # a Monday
SHOWN = "Mon Nov 23, 2026"


class Form(QDialog):
    """A dialog as the program's are: a date, an optional date and a line edit, with OK as the
    default button."""

    def __init__(self) -> None:
        super().__init__()
        self.field = DateField(QDate(2026, 11, 23), today=lambda: TODAY)
        self.optional = OptionalDateField(lambda: TODAY, today=lambda: TODAY)
        self.other = QLineEdit()
        form = QFormLayout(self)
        form.addRow("&Date", self.field)
        form.addRow("&Referral", self.optional)
        form.addRow("&Notes", self.other)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(480, 260)


@pytest.fixture
def form(qtbot: QtBot) -> Form:
    dialog = Form()
    qtbot.addWidget(dialog)
    dialog.show()
    window = dialog.windowHandle()
    window.requestActivate()  # focus and key presses only reach the active window
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window)
    return dialog


def _enter(qtbot: QtBot, field: DateField, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)  # over the selected date: arriving selects it
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _iso(field: DateField) -> str:
    return str(field.date().toString("yyyy-MM-dd"))


def test_it_shows_the_friendly_date_and_arriving_selects_it(qtbot: QtBot, form: Form) -> None:
    field = form.field
    assert field.text() == SHOWN
    assert field.height() == form.other.height()  # looks like the other fields
    form.field.setFocus(Qt.FocusReason.OtherFocusReason)
    assert field.hasFocus() and field.selectedText() == SHOWN
    form.other.setFocus()
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(20, field.height() // 2))
    assert field.hasFocus() and field.selectedText() == SHOWN  # a click in selects it too
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(20, field.height() // 2))
    assert field.selectedText() == ""  # a second click puts the cursor there, to edit


def test_a_typed_date_and_enter_take_it_once_and_show_it_friendly(qtbot: QtBot, form: Form) -> None:
    changes: list[QDate] = []
    form.field.dateChanged.connect(changes.append)
    form.field.setFocus()
    qtbot.keyClicks(form.field, "3/7/2026")
    assert form.field.text() == "3/7/2026" and changes == []  # read on Enter, not per key
    qtbot.keyClick(form.field, Qt.Key.Key_Return)
    assert changes == [QDate(2026, 3, 7)]
    assert form.field.text() == "Sat Mar 7, 2026"
    # A good date's Enter goes on to the dialog, as a line edit's does: OK is pressed.
    assert form.result() == QDialog.DialogCode.Accepted.value


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12/25/2025", "2025-12-25"),
        ("030726", "2026-03-07"),
        ("Sat Mar 7, 2026", "2026-03-07"),
        ("t+7", "2026-11-30"),
        ("tomorrow", "2026-11-24"),
    ],
)
def test_what_the_front_desk_types_is_read_whole(
    qtbot: QtBot, form: Form, typed: str, expected: str
) -> None:
    _enter(qtbot, form.field, typed)
    assert _iso(form.field) == expected


def test_the_same_date_again_changes_nothing(qtbot: QtBot, form: Form) -> None:
    changes: list[QDate] = []
    form.field.dateChanged.connect(changes.append)
    form.field.setDate(QDate(2026, 11, 23))
    _enter(qtbot, form.field, "11/23/2026")
    assert changes == [] and form.field.text() == SHOWN


def test_text_that_is_not_a_date_keeps_the_date_says_so_and_enter_stays(
    qtbot: QtBot, form: Form
) -> None:
    changes: list[QDate] = []
    form.field.dateChanged.connect(changes.append)
    _enter(qtbot, form.field, "2/30/2026")
    assert _iso(form.field) == "2026-11-23" and changes == []
    assert form.field.text() == "2/30/2026"  # left there to be corrected
    note = form.field.note()
    assert note.startswith("“2/30/2026” is not a date. Type it like 11/23/2026")
    assert "Alt+Down" in note
    assert form.isVisible() and form.result() == 0  # Enter did not press OK
    assert form.field.hasFocus()

    qtbot.keyClick(form.field, Qt.Key.Key_Backspace)  # correcting it takes the note away
    assert form.field.note() == ""
    form.field.selectAll()
    qtbot.keyClicks(form.field, "2/28/2026")
    qtbot.keyClick(form.field, Qt.Key.Key_Return)
    assert changes == [QDate(2026, 2, 28)]


def test_leaving_reads_the_date_and_a_refused_one_is_put_back_with_a_note(
    qtbot: QtBot, form: Form
) -> None:
    form.field.setFocus()
    qtbot.keyClicks(form.field, "3/7")
    qtbot.keyClick(form.field, Qt.Key.Key_Tab)  # Tab leaves, as everywhere
    assert QApplication.focusWidget() is form.optional
    assert (_iso(form.field), form.field.text()) == ("2026-03-07", "Sat Mar 7, 2026")

    form.field.setFocus()
    qtbot.keyClicks(form.field, "13/1/2026")
    form.other.setFocus()
    assert form.field.text() == "Sat Mar 7, 2026"  # what the field holds, not the refused text
    assert "“13/1/2026” is not a date. The date stays Sat Mar 7, 2026." in form.field.note()
    qtbot.keyClicks(form.other, "x")  # typing elsewhere: the note makes way
    assert form.field.note() == ""


def test_arrow_keys_step_a_day_and_page_keys_a_month(qtbot: QtBot, form: Form) -> None:
    field = form.field
    field.setDate(QDate(2026, 1, 31))
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert _iso(field) == "2026-02-01"
    qtbot.keyClick(field, Qt.Key.Key_Down)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert _iso(field) == "2026-01-30"
    qtbot.keyClick(field, Qt.Key.Key_PageUp)
    assert _iso(field) == "2026-02-28"  # the month's last day
    qtbot.keyClick(field, Qt.Key.Key_PageDown)
    assert _iso(field) == "2026-01-28"
    assert field.text() == "Wed Jan 28, 2026"


def test_a_step_starts_from_a_typed_date(qtbot: QtBot, form: Form) -> None:
    form.field.setFocus()
    qtbot.keyClicks(form.field, "3/7/2026")
    qtbot.keyClick(form.field, Qt.Key.Key_Up)
    assert _iso(form.field) == "2026-03-08"
    assert form.field.selectedText() == "Sun Mar 8, 2026"  # typing replaces it again


def test_the_range_clamps_steps_and_refuses_dates_outside_it(qtbot: QtBot, form: Form) -> None:
    field = form.field
    changes: list[QDate] = []
    field.dateChanged.connect(changes.append)
    field.setMinimumDate(QDate(2026, 11, 25))  # the date moves up into the range, as QDateEdit
    assert changes == [QDate(2026, 11, 25)]
    field.setMaximumDate(QDate(2026, 11, 26))
    assert (field.minimumDate(), field.maximumDate()) == (QDate(2026, 11, 25), QDate(2026, 11, 26))
    qtbot.keyClick(field, Qt.Key.Key_Up)
    qtbot.keyClick(field, Qt.Key.Key_Up)
    qtbot.keyClick(field, Qt.Key.Key_PageUp)
    assert _iso(field) == "2026-11-26"  # never past the maximum
    field.setDate(QDate(2020, 1, 1))
    assert _iso(field) == "2026-11-25"
    assert field.calendarWidget().minimumDate() == QDate(2026, 11, 25)

    _enter(qtbot, field, "12/1/2026")
    assert _iso(field) == "2026-11-25"
    assert field.note() == (
        "Tue Dec 1, 2026 is too late: the last day allowed here is Thu Nov 26, 2026."
    )
    assert form.isVisible()
    field.selectAll()
    qtbot.keyClicks(field, "t")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "is too early: the first day allowed here is Wed Nov 25, 2026." in field.note()


def _days(qtbot: QtBot, field: DateField) -> QTableView:
    calendar = field.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    days = calendar.findChild(QTableView)
    assert days is not None
    qtbot.waitUntil(days.hasFocus)
    return days


def test_alt_down_opens_the_calendar_on_the_date_and_enter_picks(qtbot: QtBot, form: Form) -> None:
    changes: list[QDate] = []
    form.field.dateChanged.connect(changes.append)
    form.field.setFocus()
    qtbot.keyClick(form.field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    days = _days(qtbot, form.field)
    assert form.field.calendarWidget().selectedDate() == QDate(2026, 11, 23)
    qtbot.keyClick(days, Qt.Key.Key_Right)
    assert changes == []  # moving about the calendar is not picking
    qtbot.keyClick(days, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.field.calendarWidget().isVisible())
    assert changes == [QDate(2026, 11, 24)]
    assert form.field.text() == "Tue Nov 24, 2026"
    qtbot.waitUntil(form.field.hasFocus)  # back in the field
    assert form.isVisible()  # the pick's Enter did not press OK


def test_f4_opens_the_calendar_and_escape_closes_it_unchanged(qtbot: QtBot, form: Form) -> None:
    form.field.setFocus()
    qtbot.keyClick(form.field, Qt.Key.Key_F4)
    days = _days(qtbot, form.field)
    qtbot.keyClick(days, Qt.Key.Key_Left)
    qtbot.keyClick(days, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not form.field.calendarWidget().isVisible())
    assert _iso(form.field) == "2026-11-23"
    assert form.isVisible()  # Esc closed the calendar, not the dialog
    qtbot.waitUntil(form.field.hasFocus)


def test_the_arrow_button_opens_the_calendar_and_a_click_picks(qtbot: QtBot, form: Form) -> None:
    qtbot.mouseClick(form.field.calendar_button, Qt.MouseButton.LeftButton)
    days = _days(qtbot, form.field)
    model = days.model()
    (cell,) = (
        model.index(row, column)
        for row in range(1, model.rowCount())
        for column in range(model.columnCount())
        if str(model.index(row, column).data()) == "24"  # only November has a 24th on show
        and model.index(row, column).flags() & Qt.ItemFlag.ItemIsEnabled
    )
    centre = days.visualRect(cell).center()
    qtbot.mouseClick(days.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: not form.field.calendarWidget().isVisible())
    assert _iso(form.field) == "2026-11-24"


def test_the_optional_field_may_hold_no_date(qtbot: QtBot, form: Form) -> None:
    field = form.optional
    changes: list[QDate] = []
    field.dateChanged.connect(changes.append)
    assert (field.value(), field.date(), field.text()) == (None, NO_DATE, NO_DATE_TEXT)
    assert field.placeholderText() == NO_DATE_TEXT  # grey, not a date
    qtbot.keyClick(field, Qt.Key.Key_Up)  # the first step fills in the fallback...
    assert field.value() == TODAY
    qtbot.keyClick(field, Qt.Key.Key_Up)  # ...and the next steps from it
    assert field.value() == date(2026, 11, 24)

    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Delete)  # over the selected date: no date, at once
    assert (field.value(), field.text()) == (None, NO_DATE_TEXT)
    assert changes[-1] == NO_DATE
    _enter(qtbot, field, "3/7/26")
    assert field.value() == date(2026, 3, 7)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    form.other.setFocus()  # an emptied field left is no date, without a note
    assert field.value() is None and field.note() == ""
    field.set_value(date(2026, 9, 1))
    assert field.text() == "Tue Sep 1, 2026"
    field.set_value(None)
    assert field.value() is None


def test_the_empty_optional_calendar_opens_on_the_fallback_and_esc_leaves_it_empty(
    qtbot: QtBot, form: Form
) -> None:
    field = form.optional
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_F4)
    days = _days(qtbot, field)
    assert field.calendarWidget().selectedDate() == QDate(2026, 11, 23)
    assert field.value() is None  # opening alone fills in nothing
    qtbot.keyClick(days, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not field.calendarWidget().isVisible())
    assert field.value() is None
    qtbot.keyClick(field, Qt.Key.Key_F4)
    days = _days(qtbot, field)
    qtbot.keyClick(days, Qt.Key.Key_Left)
    qtbot.keyClick(days, Qt.Key.Key_Return)
    assert field.value() == date(2026, 11, 22)


def test_the_optional_field_refuses_what_is_not_a_date_and_stays_empty(
    qtbot: QtBot, form: Form
) -> None:
    _enter(qtbot, form.optional, "soon")
    assert form.optional.value() is None
    assert form.optional.note().startswith("“soon” is not a date.")
    form.other.setFocus()
    assert form.optional.text() == NO_DATE_TEXT
    assert "The field stays empty" in form.optional.note()


def test_a_plain_date_field_needs_a_date(qtbot: QtBot, form: Form) -> None:
    form.field.setFocus()
    qtbot.keyClick(form.field, Qt.Key.Key_Delete)
    qtbot.keyClick(form.field, Qt.Key.Key_Return)
    assert form.field.note().startswith("A date is needed here.")
    assert _iso(form.field) == "2026-11-23" and form.isVisible()
