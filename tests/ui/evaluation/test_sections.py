"""The sections built from the form: every finding has an editor, and the whole content goes in
and comes back out exactly (what ``validate_content`` accepts)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from ptclinic.services.evaluation_form import BODY_REGIONS, FORM, Finding, Kind, validate_content
from ptclinic.ui.evaluation.editors import ChoiceEditor, ScoreEditor, TextEditor
from ptclinic.ui.evaluation.sections import EvaluationForm


def _value(finding: Finding, n: int) -> Any:
    """A recorded value for ``finding``, varied by ``n`` so every shape of every kind appears."""
    kind = finding.kind
    if kind is Kind.TEXT:
        return f"{finding.label} ü {n}"
    if kind is Kind.NOTE:
        return f"First line of {finding.key}\n  second line, indented {n}"
    if kind is Kind.CHOICE:
        return finding.choices[n % len(finding.choices)][0]
    if kind is Kind.CHOICES:
        return [BODY_REGIONS[2][0], BODY_REGIONS[5][0], BODY_REGIONS[11][0]]
    if kind is Kind.SCORE:
        return [finding.low, finding.high, (finding.low + finding.high) // 2][n % 3]
    if kind is Kind.YES_NO:
        return n % 2 == 0
    if kind is Kind.RED_FLAG:
        return (
            {"present": True, "action": "Referred to the patient's physician today"}
            if n % 2
            else {"present": False, "action": ""}
        )
    if kind is Kind.PROVOCATION:
        return [
            {"result": "positive", "familiar": True},
            {"result": "positive", "familiar": False},
            {"result": "negative", "familiar": False},
            {"result": "not_tested", "familiar": False},
        ][n % 4]
    if kind is Kind.ODI:
        return [0, 1, 2, 3, 4, 5, None, 1, 2, 3]
    return [
        {"activity": "Sitting 1 hour", "score": 3},
        {"activity": "Lifting a child", "score": 0},
        {"activity": "Running", "score": None},
    ]


def everything() -> dict[str, dict[str, Any]]:
    n = 0
    content: dict[str, dict[str, Any]] = {}
    for section in FORM:
        for finding in section.findings:
            content.setdefault(section.key, {})[finding.key] = _value(finding, n)
            n += 1
    return content


def test_every_finding_round_trips_exactly(qtbot: QtBot) -> None:
    form = EvaluationForm(lambda _label, _hint: None)
    qtbot.addWidget(form)
    content = everything()
    assert validate_content(content) == content  # the test's own content is a valid one
    editors = sum(len(section.editors) for section in form.sections)
    assert editors == sum(len(section.findings) for section in FORM)
    form.set_content(content)
    assert form.content() == content
    # Each kind round-trips its other shapes too (every other value of the test pattern).
    shifted = {
        section.key: {f.key: _value(f, n + 1) for n, f in enumerate(section.findings)}
        for section in FORM
    }
    form.set_content(shifted)
    assert form.content() == validate_content(shifted)
    form.set_content({})
    assert form.content() == {}


def test_a_finding_left_out_is_not_recorded(qtbot: QtBot) -> None:
    form = EvaluationForm(lambda _label, _hint: None)
    qtbot.addWidget(form)
    form.set_content({"subjective": {"nprs_now": 0}, "palpation": {"psis_left": False}})
    # 0 and "no" are answers, kept; everything else stays unrecorded.
    assert form.content() == {"subjective": {"nprs_now": 0}, "palpation": {"psis_left": False}}


def test_editors_fit_their_finding(qtbot: QtBot) -> None:
    form = EvaluationForm(lambda _label, _hint: None)
    qtbot.addWidget(form)
    pain = form.editor("subjective", "nprs_now")
    weeks = form.editor("subjective", "duration_weeks")
    assert isinstance(pain, ScoreEditor) and pain.segments is not None  # 0-10: a row of buttons
    assert isinstance(weeks, ScoreEditor) and weeks.number is not None  # 0-1040: typed
    level = form.editor("posture", "iliac_crest")
    fortin = form.editor("palpation", "fortin")
    assert isinstance(level, ChoiceEditor) and level.segments is not None
    assert isinstance(fortin, ChoiceEditor) and fortin.combo is not None
    assert fortin.combo.itemText(0) == "Not recorded"


def test_a_number_out_of_range_is_named_under_its_field(qtbot: QtBot) -> None:
    form = EvaluationForm(lambda _label, _hint: None)
    qtbot.addWidget(form)
    form.show()
    form.setCurrentIndex(0)
    weeks = form.editor("subjective", "duration_weeks")
    assert isinstance(weeks, ScoreEditor) and weeks.number is not None
    qtbot.keyClicks(weeks.number, "2000")
    assert weeks.error.isVisibleTo(form)
    assert weeks.error.text() == "⚠ Type a whole number from 0 to 1040."
    assert form.problems() == [("subjective", "duration_weeks", weeks.problem())]
    weeks.number.clear()
    qtbot.keyClicks(weeks.number, "12")
    assert not weeks.error.isVisibleTo(form)
    assert form.content() == {"subjective": {"duration_weeks": 12}}


def test_a_read_only_form_looks_it(qtbot: QtBot) -> None:
    form = EvaluationForm(lambda _label, _hint: None)
    qtbot.addWidget(form)
    form.resize(900, 700)
    form.show()
    form.setCurrentIndex(0)
    qtbot.waitExposed(form)
    complaint = form.editor("subjective", "chief_complaint")
    assert isinstance(complaint, TextEditor)

    def background() -> QColor:
        edit = complaint.edit
        return edit.grab().toImage().pixelColor(edit.width() // 2, edit.height() // 2)

    open_for_typing = background()
    form.set_read_only(True)
    assert complaint.edit.isReadOnly()
    assert background() != open_for_typing  # not the white "type here" field any more
    form.set_read_only(False)
    assert background() == open_for_typing
