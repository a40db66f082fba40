"""The evaluation window: identity and sections, keyboard navigation, the live interpretation,
signing (and what it needs first), read-only when signed or someone else's, addenda and
co-signature."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from ptclinic.roles import Role
from ptclinic.services import evaluation_records
from ptclinic.services.evaluation import RULE_TEXT
from ptclinic.ui.evaluation.editors import ChoiceEditor, ProvocationEditor, TextEditor
from ptclinic.ui.evaluation.signing import AddendumDialog, CosignDialog, SignDialog
from ptclinic.ui.evaluation.window import (
    ADDENDA_ROW,
    EvaluationWindow,
    open_evaluation,
    open_windows,
)
from ptclinic.ui.events import events
from ptclinic.ui.window_size import SMALLEST_SCREEN
from tests.conftest import PASSWORD
from tests.ui.evaluation.conftest import Clinic, MakeWindow, ready
from tests.ui.evaluation.test_sections import everything

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _focused(window: EvaluationWindow) -> QWidget:
    """Where the keyboard is in ``window`` (its focus widget, active or not)."""
    widget = window.focusWidget()
    assert widget is not None
    return widget


def _stored(clinic: Clinic, episode: int) -> dict[str, object]:
    record = evaluation_records.episode_evaluation(clinic.db, clinic.lee, episode)
    assert record is not None
    return record.content


def _driving(fill: Callable[[QDialog], None]) -> Callable[[QDialog], int]:
    def run(dialog: QDialog) -> int:
        dialog.show()
        fill(dialog)
        return dialog.result()

    return run


def _sign_with_password(dialog: QDialog) -> None:
    assert isinstance(dialog, SignDialog | CosignDialog)
    dialog.password.setText(PASSWORD)
    dialog.accept()


def _signed(clinic: Clinic, episode: int) -> int:
    draft = evaluation_records.start_evaluation(clinic.db, clinic.lee, episode)
    saved = evaluation_records.save_draft(clinic.db, clinic.lee, draft.id, draft.version, ready())
    evaluation_records.sign_evaluation(clinic.db, clinic.lee, saved.id, saved.version, PASSWORD)
    return saved.id


def test_opening_starts_the_draft_with_the_patient_in_the_header(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    window = make_window()
    assert _stored(scheduled, episode) == {}
    assert window.windowTitle() == "Evaluation — Ortiz, Maria"
    header = " ".join(label.text() for label in window.findChildren(type(window.status)))
    assert "Ortiz, Maria" in header and "Apr\u00a012,\u00a01978" in header
    assert "Chart\u00a0#" in header and "Right\u00a0SI\u00a0pain" in header
    assert window.status.text().startswith("Draft · saved")
    assert window.current_section() == "subjective"
    chief = window.form.editor("subjective", "chief_complaint")
    assert isinstance(chief, TextEditor) and _focused(window) is chief.edit
    assert window.section_list.item(ADDENDA_ROW).isHidden()


def test_keys_move_between_sections_and_tab_through_fields(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    qtbot.keyClick(window.form.editor("subjective", "chief_complaint").focus_target(), "5", ALT)
    assert window.current_section() == "provocation"
    first = window.form.editor("provocation", "distraction")
    assert _focused(window) is first.focus_target()
    qtbot.keyClick(first.focus_target(), Qt.Key.Key_PageDown, CTRL)
    assert window.current_section() == "lumbar_hip"
    assert _focused(window) is window.form.editor("lumbar_hip", "repeated_movements").focus_target()
    qtbot.keyClick(_focused(window), Qt.Key.Key_PageUp, CTRL)
    qtbot.keyClick(_focused(window), Qt.Key.Key_PageUp, CTRL)
    assert window.current_section() == "palpation"
    qtbot.keyClick(_focused(window), "9", ALT)
    assert window.current_section() == "assessment"
    qtbot.keyClick(_focused(window), Qt.Key.Key_PageDown, CTRL)  # the last stays
    assert window.current_section() == "assessment"
    qtbot.keyClick(_focused(window), "1", ALT)
    qtbot.keyClick(_focused(window), Qt.Key.Key_Tab)
    assert _focused(window) is window.form.editor("subjective", "onset").focus_target()


def test_three_positive_tests_with_familiar_pain_make_si_pain_likely(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    qtbot.keyClick(_focused(window), "5", ALT)
    assert window.panel.cluster_label is not None
    assert "No provocation test recorded yet" in window.panel.cluster_label.text()
    for key in ("distraction", "compression", "gaenslen_left"):
        editor = window.form.editor("provocation", key)
        assert isinstance(editor, ProvocationEditor)
        qtbot.keyClick(editor.result, Qt.Key.Key_1)  # positive
        assert editor.familiar.isEnabled()
        qtbot.mouseClick(editor.familiar, Qt.MouseButton.LeftButton)
    cluster = window.panel.cluster_label
    assert cluster is not None
    assert cluster.text() == (
        "SI provocation cluster: 3 of 3 tested positive (2 of the first four); "
        "3 not tested: SI joint pain likely."
    )
    assert cluster.toolTip() == RULE_TEXT
    assert window.section_list.item(4).text().endswith("✓")


def test_a_positive_test_without_familiar_pain_does_not_count(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    for key in ("distraction", "compression", "sacral_thrust"):
        editor = window.form.editor("provocation", key)
        assert isinstance(editor, ProvocationEditor)
        qtbot.keyClick(editor.result, Qt.Key.Key_1)
    assert window.panel.cluster_label is not None
    assert window.panel.cluster_label.text().endswith("SI joint pain unlikely so far.")


def test_red_flags_and_a_centralising_picture_show_as_warnings(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    window.ask_referral_action = lambda _l, _h: "Sent to the emergency department"  # type: ignore[method-assign]
    flag = window.form.editor("red_flags", "cauda_equina")
    qtbot.keyClick(flag.focus_target(), Qt.Key.Key_1)  # yes
    movements = window.form.editor("lumbar_hip", "repeated_movements")
    assert isinstance(movements, ChoiceEditor) and movements.combo is not None
    movements.combo.setCurrentIndex(1)
    movements.combo.activated.emit(1)
    warnings = [
        label.text()
        for label in window.panel.labels
        if label.objectName() == "interpretationWarning"
    ]
    assert warnings[0] == "⚠ Red flags: Cauda equina signs."
    assert warnings[1].startswith("⚠ Symptoms centralize with repeated movements")
    assert window.section_list.item(1).text().endswith("⚠")
    assert window.form.content()["red_flags"] == {
        "cauda_equina": {"present": True, "action": "Sent to the emergency department"}
    }


def test_use_this_classification_sets_the_assessment(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    aslr = window.form.editor("mobility", "aslr_left")
    qtbot.keyClick(aslr.focus_target(), Qt.Key.Key_3)
    assert window.panel.use_button.isVisibleTo(window)
    assert window.panel.proposal_label is not None
    assert window.panel.proposal_label.text() == (
        "Suggested: Stability — ASLR left 3/5 (poor load transfer)."
    )
    qtbot.mouseClick(window.panel.use_button, Qt.MouseButton.LeftButton)
    assert window.form.content()["assessment"] == {"classification": "stability"}
    assert not window.panel.use_button.isVisibleTo(window)


def test_signing_first_says_what_is_missing_and_goes_there(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    opened: list[QDialog] = []
    window.exec_dialog = lambda dialog: opened.append(dialog) or 0  # type: ignore[method-assign]
    qtbot.keyClick(_focused(window), "9", ALT)
    plan = window.form.editor("assessment", "plan_summary").focus_target()
    plan.setFocus()
    qtbot.keyClick(plan, Qt.Key.Key_Return, CTRL)  # even from a note: signing, not a new line
    assert opened == []
    assert window.banner.text().startswith("⚠ Before signing: Record the chief complaint.")
    assert window.current_section() == "subjective"
    chief = window.form.editor("subjective", "chief_complaint")
    assert _focused(window) is chief.focus_target()
    assert chief.error.text() == "⚠ Record the chief complaint."
    assert "assessment" not in window.form.content()  # no new line typed in the note


def test_signing_saves_then_signs_and_the_window_turns_read_only(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    window = make_window()
    window.form.set_content(ready())
    window.exec_dialog = _driving(_sign_with_password)  # type: ignore[method-assign]
    with qtbot.waitSignal(window.signed):
        window.sign()
    record = evaluation_records.episode_evaluation(scheduled.db, scheduled.lee, episode)
    assert record is not None and record.status == "signed" and record.content == ready()
    assert window.status.text().startswith("✓ Signed by Dana Lee on ")
    assert not window.sign_button.isVisibleTo(window)
    assert not window.section_list.item(ADDENDA_ROW).isHidden()


def test_a_signed_evaluation_opens_read_only_with_its_addenda(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    evaluation = _signed(scheduled, episode)
    evaluation_records.add_addendum(scheduled.db, scheduled.lee, evaluation, "Pain now was 6.")
    window = make_window()
    assert window.form.content() == ready()
    assert not window.editable
    for button in (window.save_button, window.sign_button):
        assert not button.isVisibleTo(window)
    chief = window.form.editor("subjective", "chief_complaint")
    assert isinstance(chief, TextEditor)
    qtbot.keyClicks(chief.edit, "more")
    pain = window.form.editor("subjective", "nprs_now").focus_target()
    qtbot.mouseClick(window.form.editor("subjective", "nprs_now").segments.buttons["9"],  # type: ignore[attr-defined]
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert pain.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert window.form.content() == ready()
    window.show_section(ADDENDA_ROW)
    assert window.addenda.isVisibleTo(window)
    assert "Pain now was 6." in window.addenda.texts()[0]
    assert window.addendum_button.isVisibleTo(window)
    assert not window.cosign_button.isVisibleTo(window)


def test_an_addendum_is_added_and_listed(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    _signed(scheduled, episode)
    window = make_window()
    changes: list[tuple[str, list[int]]] = []
    events().data_changed.connect(lambda kind, ids: changes.append((kind, ids)))

    def write(dialog: QDialog) -> None:
        assert isinstance(dialog, AddendumDialog)
        dialog.text.setPlainText("Gaenslen right was also positive.")
        dialog.accept()

    window.exec_dialog = _driving(write)  # type: ignore[method-assign]
    qtbot.mouseClick(window.addendum_button, Qt.MouseButton.LeftButton)
    assert "Gaenslen right was also positive." in window.addenda.texts()[0]
    assert window.current_section() == "addenda"
    assert changes and changes[-1][0] == "evaluation"


def test_someone_elses_draft_is_read_only(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    evaluation_records.start_evaluation(scheduled.db, scheduled.lee, episode)
    window = make_window(scheduled.kim)
    assert not window.editable
    assert window.status.text() == "Draft by Dana Lee · read-only"
    window.close()
    assert _stored(scheduled, episode) == {}


def test_a_therapist_co_signs_a_students_evaluation(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, make_staff
) -> None:  # type: ignore[no-untyped-def]
    student = make_staff("stud", Role.STUDENT)
    draft = evaluation_records.start_evaluation(scheduled.db, student, episode)
    saved = evaluation_records.save_draft(scheduled.db, student, draft.id, draft.version, ready())
    evaluation_records.sign_evaluation(scheduled.db, student, saved.id, saved.version, PASSWORD)
    window = make_window(scheduled.lee)
    assert "waiting for a therapist's co-signature" in window.status.text()
    assert window.cosign_button.isVisibleTo(window)
    window.exec_dialog = _driving(_sign_with_password)  # type: ignore[method-assign]
    qtbot.mouseClick(window.cosign_button, Qt.MouseButton.LeftButton)
    record = evaluation_records.episode_evaluation(scheduled.db, scheduled.lee, episode)
    assert record is not None and record.status == "signed"
    assert "co-signed by Dana Lee" in window.status.text()
    assert not window.cosign_button.isVisibleTo(window)


def test_a_students_window_has_no_co_sign_button(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, make_staff
) -> None:  # type: ignore[no-untyped-def]
    student = make_staff("stud", Role.STUDENT)
    draft = evaluation_records.start_evaluation(scheduled.db, student, episode)
    saved = evaluation_records.save_draft(scheduled.db, student, draft.id, draft.version, ready())
    evaluation_records.sign_evaluation(scheduled.db, student, saved.id, saved.version, PASSWORD)
    window = make_window(student)
    assert not window.cosign_button.isVisibleTo(window)
    assert isinstance(window.findChild(QLineEdit), QLineEdit)


def test_every_finding_survives_the_database_and_reopening(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    content = everything()
    window.form.set_content(content)
    window.close()  # closing saves
    again = make_window()
    assert again.form.content() == content
    assert not again.recovery_bar.isVisibleTo(again)


def test_an_evaluation_opens_in_one_window_only(
    qtbot: QtBot, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    first = open_evaluation(scheduled.db, scheduled.lee, episode, journal_folder=journal_folder)
    qtbot.addWidget(first)
    assert open_windows() == [first]
    again = open_evaluation(scheduled.db, scheduled.lee, episode, journal_folder=journal_folder)
    assert again is first
    first.close()
    assert open_windows() == []
    second = open_evaluation(scheduled.db, scheduled.lee, episode, journal_folder=journal_folder)
    qtbot.addWidget(second)
    assert second is not first
    second.close()


def test_the_window_opens_where_and_as_big_as_it_was_last_closed(
    qtbot: QtBot, scheduled: Clinic, episode: int, journal_folder: Path, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)

    def show() -> EvaluationWindow:
        window = open_evaluation(
            scheduled.db, scheduled.lee, episode, journal_folder=journal_folder, settings=settings
        )
        qtbot.addWidget(window)
        qtbot.waitExposed(window)
        return window

    first = show()
    smallest = first.minimumSizeHint()  # fits the smallest laptop the layout is made for
    assert smallest.boundedTo(SMALLEST_SCREEN) == smallest
    # Only the height changes: the offscreen test screen is narrower than the window may be.
    wanted = QSize(first.width(), max(smallest.height(), first.height() - 60))
    assert wanted != first.size()
    first.resize(wanted)
    qtbot.waitUntil(lambda: first.size() == wanted)
    first.close()
    second = show()
    assert second.size() == wanted
    second.close()


def test_print_saves_first_and_previews_the_report_with_what_is_on_screen(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from pypdf import PdfReader

    from ptclinic.ui.printing.pdf_preview import PdfPreviewDialog

    window = make_window()
    chief = window.form.editor("subjective", "chief_complaint")
    assert isinstance(chief, TextEditor)
    chief.edit.setText("Sharp pain at the right PSIS when rising from a chair")
    shown: list[str] = []

    def look(dialog: object) -> int:
        assert isinstance(dialog, PdfPreviewDialog)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(dialog.pdf())).pages)
        shown.append(text)
        return 0

    monkeypatch.setattr(window, "exec_dialog", look)
    window.print_button.click()
    assert shown and "rising from a chair" in " ".join(shown[0].split())
    assert "DRAFT" in shown[0]
