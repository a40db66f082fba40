"""The care-plan window: an episode's plan, built from the classification's template and then
shaped for the patient, item by item.

Every change is saved at once through the care-plan service (there is nothing to lose by closing
the window); a change refused because another workstation changed the plan first reloads the
plan and says who did. Keyboard: Ctrl+E adds an exercise, Ctrl+T a technique, Ctrl+G a goal;
Space ticks the chosen item for the home program; Ctrl+Up/Down move it; Del removes it; Ctrl+D
doses it; Ctrl+P prints the home program.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import care_plans, clinic_exercises, episodes
from ptclinic.services.actor import Actor
from ptclinic.services.care_plans import CarePlanRecord, PlanItem
from ptclinic.services.clinic import clinic_today
from ptclinic.services.day_text import day_text
from ptclinic.services.errors import DomainError, StaleRecordError, ValidationError
from ptclinic.services.evaluation_form import CLASSIFICATION_LABELS
from ptclinic.services.patient_search import patient_summary
from ptclinic.ui.admin.common import Column, MessageLine, RecordTableModel
from ptclinic.ui.care_plan.goals_view import GoalDialog, goals_model, status_choices
from ptclinic.ui.care_plan.item_dialogs import (
    AskDialog,
    CriteriaDialog,
    DosageDialog,
    ProgressDialog,
    ReasonDialog,
)
from ptclinic.ui.care_plan.pickers import AdviceDialog, ExercisePicker, TechniquePicker
from ptclinic.ui.episode_windows import EpisodeWindow, OneWindowPerEpisode
from ptclinic.ui.events import events
from ptclinic.ui.patients.episode_dialog import identity_header

log = logging.getLogger(__name__)

ITEM_COLUMNS: tuple[Column[PlanItem], ...] = (
    Column("Home", lambda i: "✓ Home" if i.on_home_program else ""),
    Column("Item", lambda i: i.name),
    Column("Kind", lambda i: i.kind_label),
    Column("Stage", lambda i: str(i.stage) if i.stage else ""),
    Column("Dosage or details", lambda i: i.dosage_text or i.details_text),
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _button(text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button


def _table(model: RecordTableModel[object]) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(28)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


class CarePlanWindow(EpisodeWindow):
    """The care plan of ``episode_id`` (the start panel when there is none yet). The
    constructor reads through the services and raises their ``DomainError``: show
    ``str(error)``. ``print_home_program`` is called with the plan to print the handout."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        episode_id: int,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        print_home_program: Callable[[CarePlanWindow], object] | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._db, self._actor, self._clock = db, actor, clock
        self._print = print_home_program
        self.setObjectName("carePlanWindow")
        self.episode = episodes.episode(db, actor, episode_id)
        self.patient = patient_summary(db, actor, self.episode.patient_id)
        self.plan: CarePlanRecord | None = care_plans.episode_plan(db, actor, episode_id)
        self.may_plan = care_plans.may_plan(actor)
        self.setWindowTitle(f"Care plan — {self.patient.display_name}")
        self._build()
        self._shortcuts()
        self._show_plan()

    # --- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)
        outer.setSpacing(8)
        outer.addWidget(identity_header(self.patient, f"Episode: {self.episode.title}"))
        self.banner = MessageLine()
        outer.addWidget(self.banner)
        outer.addWidget(self._start_panel())
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(self._summary_row())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._items_part())
        splitter.addWidget(self._goals_part())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        body.addWidget(splitter, 1)
        outer.addWidget(self.body, 1)
        bottom = QHBoxLayout()
        hint = QLabel(
            "Ctrl+E exercise · Ctrl+T technique · Space home program · Ctrl+↑/↓ move · "
            "Del remove · Ctrl+D dose · Ctrl+G goal"
        )
        hint.setObjectName("hint")
        bottom.addWidget(hint, 1)
        self.print_button = _button(
            "&Print home program…", "The patient's handout: preview, print or save (Ctrl+P)",
            self.print_home_program,
        )  # fmt: skip
        self.print_button.setObjectName("primary")
        bottom.addWidget(self.print_button)
        bottom.addWidget(
            _button("Close", "Close the care plan (it is saved as you go)", self.close)
        )
        outer.addLayout(bottom)

    def _start_panel(self) -> QFrame:
        self.start_panel = QFrame()
        box = QHBoxLayout(self.start_panel)
        box.setContentsMargins(0, 8, 0, 8)
        self.start_text = QLabel("No care plan yet. Start from the template for:")
        box.addWidget(self.start_text)
        self.start_classification = QComboBox()
        for key, label in CLASSIFICATION_LABELS.items():
            self.start_classification.addItem(label, key)
        suggested = care_plans.suggested_classification(self._db, self._actor, self.episode.id)
        if suggested:
            self.start_classification.setCurrentIndex(self.start_classification.findData(suggested))
        box.addWidget(self.start_classification)
        self.start_button = _button("&Start the plan", "Start from the template", self.start)
        self.start_button.setObjectName("primary")
        self.start_button.setEnabled(self.may_plan)
        box.addWidget(self.start_button)
        box.addStretch(1)
        return self.start_panel

    def _summary_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        self.summary.setWordWrap(True)
        row.addWidget(self.summary, 1)
        self.visits = QSpinBox()
        self.visits.setRange(1, 7)
        self.visits.setSuffix("×/week")
        self.weeks = QSpinBox()
        self.weeks.setRange(1, 52)
        self.weeks.setSuffix(" weeks")
        self.visits.setAccessibleName("Visits a week")
        self.weeks.setAccessibleName("Weeks")
        for box in (self.visits, self.weeks):
            box.setEnabled(self.may_plan)
            box.editingFinished.connect(self._frequency_edited)
        row.addWidget(QLabel("&Frequency"))
        row.itemAt(row.count() - 1).widget().setBuddy(self.visits)  # type: ignore[union-attr]
        row.addWidget(self.visits)
        row.addWidget(QLabel("for"))
        row.addWidget(self.weeks)
        return row

    def _items_part(self) -> QWidget:
        part = QWidget()
        box = QVBoxLayout(part)
        box.setContentsMargins(0, 0, 0, 0)
        self.items_model: RecordTableModel[PlanItem] = RecordTableModel(ITEM_COLUMNS, self)
        self.items = _table(self.items_model)  # type: ignore[arg-type]
        self.items.setObjectName("carePlanItems")
        self.items.setAccessibleName("Plan items")
        self.items.selectionModel().currentRowChanged.connect(lambda *_a: self._item_changed())
        self.items.doubleClicked.connect(lambda _i: self.dose())
        self.item_details = QLabel()
        self.item_details.setObjectName("hint")
        self.item_details.setWordWrap(True)
        self.item_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        self.add_exercise_button = _button("Add e&xercise…", "Ctrl+E", self.add_exercise)
        self.add_technique_button = _button("Add &technique…", "Ctrl+T", self.add_technique)
        self.add_advice_button = _button(
            "Add ad&vice…", "Education for the patient", self.add_advice
        )
        self.home_button = _button("&Home program", "Tick or untick (Space)", self.toggle_home)
        self.dose_button = _button("&Dose…", "Sets, repetitions, hold (Ctrl+D)", self.dose)
        self.progress_button = _button("Pr&ogress…", "Move on to the next exercise", self.progress)
        self.regress_button = _button("Step &back…", "Back to the easier exercise", self.regress)
        self.criteria_button = _button("&Criteria…", "When it may progress", self.criteria)
        self.up_button = _button("↑", "Move up (Ctrl+Up)", lambda: self.move_item(-1))
        self.down_button = _button("↓", "Move down (Ctrl+Down)", lambda: self.move_item(1))
        self.remove_button = _button("&Remove", "Take it out of the plan (Del)", self.remove)
        for button in (
            self.add_exercise_button, self.add_technique_button, self.add_advice_button,
            self.home_button, self.dose_button, self.progress_button, self.regress_button,
            self.criteria_button, self.up_button, self.down_button, self.remove_button,
        ):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        title = QLabel("Plan items")
        title.setObjectName("sectionTitle")
        box.addWidget(title)
        box.addWidget(self.items, 1)
        box.addWidget(self.item_details)
        box.addLayout(buttons)
        return part

    def _goals_part(self) -> QWidget:
        part = QWidget()
        box = QVBoxLayout(part)
        box.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Goals")
        title.setObjectName("sectionTitle")
        box.addWidget(title)
        self.goals_model = goals_model(self)
        self.goals = _table(self.goals_model)  # type: ignore[arg-type]
        self.goals.setObjectName("carePlanGoals")
        self.goals.setAccessibleName("Goals")
        box.addWidget(self.goals, 1)
        row = QHBoxLayout()
        self.add_goal_button = _button("Add &goal…", "Ctrl+G", self.add_goal)
        self.status_choice = QComboBox()
        for label, key in status_choices():
            self.status_choice.addItem(label, key)
        self.status_button = _button("&Mark as", "Set the chosen goal's status", self.mark_goal)
        row.addWidget(self.add_goal_button)
        row.addStretch(1)
        row.addWidget(self.status_button)
        row.addWidget(self.status_choice)
        box.addLayout(row)
        return part

    def _shortcuts(self) -> None:
        def key(sequence: str, slot: Callable[[], object]) -> None:
            QShortcut(QKeySequence(sequence), self).activated.connect(slot)

        key("Ctrl+E", self.add_exercise)
        key("Ctrl+T", self.add_technique)
        key("Ctrl+G", self.add_goal)
        key("Ctrl+D", self.dose)
        key("Ctrl+P", self.print_home_program)
        key("Ctrl+Up", lambda: self.move_item(-1))
        key("Ctrl+Down", lambda: self.move_item(1))
        self.items.installEventFilter(self)  # Space and Del act on the chosen item

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.items
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and not event.modifiers()
        ):
            keys = {Qt.Key.Key_Space: self.toggle_home, Qt.Key.Key_Delete: self.remove}
            slot = keys.get(Qt.Key(event.key()))
            if slot is not None:
                slot()
                return True
        return super().eventFilter(watched, event)

    # --- showing --------------------------------------------------------------------------------

    def _show_plan(self, keep_item: int | None = None) -> None:
        plan = self.plan
        self.start_panel.setVisible(plan is None)
        self.body.setVisible(plan is not None)
        self.print_button.setEnabled(plan is not None)
        if plan is None:
            if not self.may_plan:
                self.start_text.setText(
                    "No care plan yet: the patient's physical therapist starts it."
                )
            return
        self.summary.setText(
            f"{plan.classification_label} plan by {plan.therapist_name}: from "
            f"{day_text(plan.start_date)} to {day_text(plan.end_date)}  ·  6-week checkpoint "
            f"{day_text(plan.checkpoint_date)}"
        )
        for box, value in ((self.visits, plan.visits_per_week), (self.weeks, plan.duration_weeks)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        current = keep_item if keep_item is not None else self._current_item_id()
        self.items_model.set_records(plan.items)
        self.goals_model.set_records(plan.goals)
        rows = [n for n, item in enumerate(plan.items) if item.id == current]
        self.items.selectRow(rows[0] if rows else 0)
        self._item_changed()

    def _current_item_id(self) -> int | None:
        item = self.current_item()
        return item.id if item else None

    def current_item(self) -> PlanItem | None:
        index = self.items.currentIndex()
        if not index.isValid() or self.plan is None:
            return None
        return self.items_model.record(index.row())

    def _item_changed(self) -> None:
        item = self.current_item()
        exercise = item is not None and item.kind == "exercise"
        can_home = item is not None and item.kind in ("exercise", "education")
        for button, on in (
            (self.home_button, can_home), (self.dose_button, exercise),
            (self.progress_button, exercise and bool(item and item.progresses_to)),
            (self.regress_button, exercise and bool(item and item.regresses_to)),
            (self.criteria_button, exercise and self.may_plan),
            (self.remove_button, item is not None and self.may_plan),
            (self.up_button, item is not None and self.may_plan),
            (self.down_button, item is not None and self.may_plan),
        ):  # fmt: skip
            button.setEnabled(on)
        for button in (self.add_exercise_button, self.add_technique_button,
                       self.add_advice_button, self.add_goal_button):  # fmt: skip
            button.setEnabled(self.may_plan)
        self.item_details.setText(_item_words(item) if item else "")

    # --- doing ----------------------------------------------------------------------------------

    def _call(self, change: Callable[[], CarePlanRecord], keep: int | None = None) -> bool:
        """Run one service change; True when it saved. A stale plan is reloaded and explained;
        a ValidationError is the caller's (to show in its dialog)."""
        try:
            self.plan = change()
        except ValidationError:
            raise
        except StaleRecordError as exc:
            self.banner.show_error(str(exc))
            self.reload()
            return False
        except DomainError as exc:
            self.banner.show_error(str(exc))
            return False
        self.banner.clear_message()
        self._show_plan(keep)
        events().data_changed.emit("care_plan", [self.plan.id])
        return True

    def _in_dialog(self, dialog: AskDialog, change: Callable[[], CarePlanRecord]) -> bool:
        """Show ``dialog`` until its change saves or it is cancelled; field errors stay in it."""
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                return self._call(change)
            except ValidationError as exc:
                dialog.show_errors(exc)
        return False

    def reload(self) -> None:
        try:
            self.plan = care_plans.episode_plan(self._db, self._actor, self.episode.id)
        except DomainError as exc:
            self.banner.show_error(str(exc))
            return
        self._show_plan()

    def start(self) -> None:
        chosen = str(self.start_classification.currentData())
        try:
            self._call(lambda: care_plans.start_plan(
                self._db, self._actor, self.episode.id, classification=chosen, now=self._clock()
            ))  # fmt: skip
        except ValidationError as exc:
            self.banner.show_error(str(exc))
        if self.plan is not None:
            self.items.setFocus()

    def _plan_call(
        self, fn: Callable[..., CarePlanRecord], *args: object, **kw: object
    ) -> Callable[[], CarePlanRecord]:
        plan = self.plan
        assert plan is not None
        return lambda: fn(self._db, self._actor, plan.id, plan.version, *args, **kw)

    def _simple(self, fn: Callable[..., CarePlanRecord], *args: object, **kw: object) -> None:
        if self.plan is None:
            return
        try:
            self._call(self._plan_call(fn, *args, **kw))
        except ValidationError as exc:
            self.banner.show_error(str(exc))

    def add_exercise(self) -> None:
        if self.plan is None or not self.may_plan:
            return
        taken = {i.code for i in self.plan.items if i.kind == "exercise"}
        try:
            library = [e for e in clinic_exercises.library(self._db) if not e.retired]
        except DomainError as exc:
            self.banner.show_error(str(exc))
            return
        picker = ExercisePicker(library, self.plan.classification, taken, self)
        if picker.exec() == QDialog.DialogCode.Accepted and (chosen := picker.chosen()):
            self._simple(care_plans.add_item, "exercise", chosen.code)
            self._select_code(chosen.code)

    def add_technique(self) -> None:
        if self.plan is None or not self.may_plan:
            return
        taken = {i.code for i in self.plan.items if i.kind in ("manual", "met")}
        picker = TechniquePicker(taken, self.plan.classification, self)
        if picker.exec() == QDialog.DialogCode.Accepted and (chosen := picker.chosen()):
            kind = "met" if chosen.code.startswith("MET") else "manual"
            self._simple(care_plans.add_item, kind, chosen.code, details=picker.details())
            self._select_code(chosen.code)

    def add_advice(self) -> None:
        if self.plan is None or not self.may_plan:
            return
        dialog = AdviceDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._simple(care_plans.add_item, "education", text=dialog.text.text(),
                         on_home_program=dialog.on_home.isChecked())  # fmt: skip

    def _select_code(self, code: str) -> None:
        if self.plan is None:
            return
        rows = [n for n, item in enumerate(self.plan.items) if item.code == code]
        if rows:
            self.items.selectRow(rows[0])
            self.items.setFocus()

    def toggle_home(self) -> None:
        item = self.current_item()
        if item is not None and item.kind in ("exercise", "education"):
            self._simple(care_plans.set_home_program, item.id, not item.on_home_program)

    def move_item(self, step: int) -> None:
        item = self.current_item()
        if item is None or self.plan is None or not self.may_plan:
            return
        position = [i.id for i in self.plan.items].index(item.id) + step
        if 0 <= position < len(self.plan.items):
            self._simple(care_plans.move_item, item.id, position)

    def remove(self) -> None:
        item = self.current_item()
        if item is not None and self.may_plan:
            self._simple(care_plans.remove_item, item.id)

    def dose(self) -> None:
        item = self.current_item()
        if item is None or item.kind != "exercise":
            return
        dialog = DosageDialog(item, self)
        self._in_dialog(dialog, lambda: self._plan_call(
            care_plans.set_dosage, item.id, dialog.dosage())())  # fmt: skip

    def criteria(self) -> None:
        item = self.current_item()
        if item is None or item.kind != "exercise" or not self.may_plan:
            return
        dialog = CriteriaDialog(item, self)
        self._in_dialog(dialog, lambda: self._plan_call(
            care_plans.set_details, item.id, dialog.details())())  # fmt: skip

    def progress(self) -> None:
        item = self.current_item()
        if item is None or not item.progresses_to:
            return
        dialog = ProgressDialog(item, item.progresses_to_name, self)
        self._in_dialog(dialog, lambda: self._plan_call(
            care_plans.progress_item, item.id, dialog.check(), dialog.reason.text())())  # fmt: skip

    def regress(self) -> None:
        item = self.current_item()
        if item is None or not item.regresses_to:
            return
        dialog = ReasonDialog(item, item.regresses_to_name, self)
        self._in_dialog(dialog, lambda: self._plan_call(
            care_plans.regress_item, item.id, dialog.reason.text())())  # fmt: skip

    def add_goal(self) -> None:
        if self.plan is None or not self.may_plan:
            return
        dialog = GoalDialog(self.plan.start_date, care_plans.first_psfs_activity(
            self._db, self._actor, self.episode.id), self)  # fmt: skip
        self._in_dialog(dialog, lambda: self._plan_call(care_plans.add_goal, dialog.goal())())

    def mark_goal(self) -> None:
        index = self.goals.currentIndex()
        if self.plan is None or not index.isValid():
            return
        goal = self.goals_model.record(index.row())
        self._simple(care_plans.set_goal_status, goal.id, str(self.status_choice.currentData()),
                     now=self._clock())  # fmt: skip

    def _frequency_edited(self) -> None:
        plan = self.plan
        if plan is None or (self.visits.value(), self.weeks.value()) == (
            plan.visits_per_week,
            plan.duration_weeks,
        ):
            return
        self._simple(care_plans.set_frequency, self.visits.value(), self.weeks.value())

    def print_home_program(self) -> None:
        if self.plan is not None and self._print is not None:
            self._print(self)

    @property
    def db(self) -> Database:
        return self._db

    @property
    def actor(self) -> Actor:
        return self._actor

    def today(self) -> date:
        return clinic_today(self._db, self._clock())

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()


def _item_words(item: PlanItem) -> str:
    """The chosen item in words under the table: its family, criteria and history."""
    lines: list[str] = []
    if item.kind == "exercise":
        family = []
        if item.regresses_to:
            family.append(f"steps back to {item.regresses_to_name}")
        if item.progresses_to:
            family.append(f"progresses to {item.progresses_to_name}")
        lines.append(f"Stage {item.stage}" + (": " + ", ".join(family) if family else "."))
        if item.criteria and item.progresses_to:
            lines.append(f"Ready to progress when: {item.criteria.words()}.")
        for change in item.history:
            verb = "Progressed" if change.action == "progress" else "Stepped back"
            why = f" ({change.reason})" if change.reason else ""
            lines.append(
                f"{verb} from {change.from_name} to {change.to_name} by {change.by} on "
                f"{day_text(change.at.date())}{why}."
            )
    elif item.details_text:
        lines.append(item.details_text)
    return "\n".join(lines)


_windows: OneWindowPerEpisode[CarePlanWindow] = OneWindowPerEpisode("care_plan_window/geometry")


def open_care_plan(
    db: Database,
    actor: Actor,
    episode_id: int,
    parent: QWidget | None = None,
    *,
    settings: QSettings | None = None,
    print_home_program: Callable[[CarePlanWindow], object] | None = None,
) -> CarePlanWindow:
    """Show the episode's care-plan window, bringing an open one forward (raises the services'
    ``DomainError`` like ``CarePlanWindow``)."""
    return _windows.show(
        db.url,
        episode_id,
        lambda: CarePlanWindow(
            db, actor, episode_id, parent, print_home_program=print_home_program
        ),
        settings,
    )
