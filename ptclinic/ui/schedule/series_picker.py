"""Another time for one visit of a series that cannot be booked as planned.

The next-available search suggests free times with the same therapist (or another one chosen
here): on the visit's own day those nearest the planned time, then the first free time from the
planned time on each following day. Any other day and time can be typed, and is checked by the
booking service a moment after each change, as in the booking dialog. The series dialog books
the chosen time as that visit's ``Pick``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import booking, next_available
from ptclinic.services.actor import Actor
from ptclinic.services.availability import local_moment
from ptclinic.services.booking import BookingCheck, BookingRequest
from ptclinic.services.errors import DatabaseUnavailable, DomainError
from ptclinic.services.next_available import FreeSlot
from ptclinic.ui.date_field import DateField
from ptclinic.ui.schedule.fields import TimeField
from ptclinic.ui.schedule.form_parts import (
    CHECK_DELAY_MS,
    CHECK_TROUBLE,
    UNREADABLE_TIME,
    ScheduleChoices,
    line,
    styled,
)
from ptclinic.ui.schedule.layout import short_date
from ptclinic.ui.schedule.series_parts import check_words, day_and_time, fill_therapists

log = logging.getLogger(__name__)

SAME_DAY = 4  # suggestions on the planned day
LATER = 4  # and on the days after it
LATER_DAYS = 14
TAKEN_TOO = "This time cannot be booked either: {}"


@dataclass(frozen=True)
class Alternative:
    """The time (and therapist) a visit is booked at instead, with what the check said."""

    starts_at: datetime
    therapist_id: int
    therapist_name: str
    check: BookingCheck


class AlternativePicker(QDialog):
    """Choose another time for the visit ``planned`` (as the series would book it). After
    Accepted, ``alternative`` holds the choice."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        choices: ScheduleChoices,
        zone: ZoneInfo,
        planned: BookingRequest,
        problem: str,
        *,
        current: Alternative | None = None,
        now: datetime | None = None,
        taken: Sequence[tuple[datetime, datetime]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._zone = db, actor, zone
        self._planned = planned
        self._taken = list(taken)  # the series' other visits: never suggested, a clash if typed
        self._now = now or datetime.now(UTC)
        self._slots: list[FreeSlot] = []
        self._check: BookingCheck | None = None
        self.alternative: Alternative | None = None
        self.setWindowTitle("Another time for this visit")
        self.setMinimumWidth(560)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.run_check)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)
        planned_local = planned.starts_at.astimezone(zone)
        intro = QLabel(
            f"{short_date(planned_local.date())} at {planned_local:%H:%M} cannot be booked as "
            f"planned: {problem}"
        )
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(16)
        self.therapist = QComboBox()
        self.therapist.setObjectName("alternativeTherapist")
        wanted = current.therapist_id if current else planned.therapist_id
        fill_therapists(self.therapist, choices.clinicians, wanted)
        self.suggestions = QListWidget()
        self.suggestions.setObjectName("alternativeSuggestions")
        self.suggestions.setMinimumHeight(150)
        self.suggestions.setAccessibleName("Suggested free times")
        start = (current.starts_at if current else planned.starts_at).astimezone(zone)
        self.date_edit = DateField(
            QDate(start.year, start.month, start.day),
            today=lambda: self._now.astimezone(self._zone).date(),
        )
        self.date_edit.setObjectName("alternativeDate")
        self.time_edit = TimeField(time(start.hour, start.minute))
        self.time_edit.setObjectName("alternativeTime")
        self.time_edit.setToolTip("Choose a time or type one, such as 10:30 or 1030")
        for text, field in (("&Therapist", self.therapist), ("&Suggested times", self.suggestions)):
            caption = QLabel(text)
            caption.setBuddy(field)
            form.addRow(caption, field)
        caption = QLabel("Or &date")
        caption.setBuddy(self.date_edit)
        form.addRow(caption, line((self.date_edit, 3), ("ti&me", self.time_edit, 2)))
        layout.addLayout(form)

        self.suggestion_hint = styled("hint")
        self.ok_label = styled("scheduleCheckOk")
        self.clash_label = styled("formError")
        self.notice_label = styled("formNotice")
        self.form_error = styled("formError")
        for label in (
            self.suggestion_hint,
            self.ok_label,
            self.clash_label,
            self.notice_label,
            self.form_error,
        ):
            layout.addWidget(label)
        layout.addStretch(1)
        buttons = QDialogButtonBox()
        self.use_button = buttons.addButton(
            "&Use this time", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.use_button.setDefault(True)
        cancel = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.use_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)

        self.therapist.currentIndexChanged.connect(lambda _i: self._therapist_changed())
        self.suggestions.currentRowChanged.connect(self._suggestion_chosen)
        self.suggestions.itemActivated.connect(lambda _item: self.accept())
        self.date_edit.dateChanged.connect(lambda _d: self._timer.start())
        self.time_edit.editTextChanged.connect(lambda _t: self._timer.start())
        self.load_suggestions()
        self.run_check()
        # Focus in a list highlights its first entry, which fills the day and time: a time
        # chosen before stays until the person picks another.
        (self.suggestions if current is None else self.time_edit).setFocus()

    # --- suggestions ------------------------------------------------------------------------------

    def load_suggestions(self) -> None:
        """Free times with the chosen therapist: that day's nearest to the planned time, then
        the first free time from the planned time on each of the following days."""
        self.suggestions.blockSignals(True)
        self.suggestions.clear()
        self._slots = []
        try:
            self._slots = self._suggest()
        except DomainError as exc:
            log.warning("suggesting other times failed: %s", exc.__cause__ or exc)
            self._show_hint("⚠ No times could be suggested: " + str(exc))
        else:
            self._show_hint(
                ""
                if self._slots
                else f"No free time in the next {LATER_DAYS} days; type a day and time."
            )
        for slot in self._slots:
            start, end = (m.astimezone(self._zone) for m in (slot.starts_at, slot.ends_at))
            self.suggestions.addItem(
                f"{short_date(start.date())}, {start:%H:%M}–{end:%H:%M} with {slot.therapist_name}"
            )
        self.suggestions.blockSignals(False)

    def _own_visit(self, starts_at: datetime, ends_at: datetime) -> datetime | None:
        """The start of the series' own visit that this time overlaps, if any."""
        return next((s for s, e in self._taken if starts_at < e and s < ends_at), None)

    def _free(self, after: datetime, count: int) -> list[FreeSlot]:
        slots = next_available.next_available(
            self._db,
            self._actor,
            after=after,
            minutes=self._planned.minutes,
            therapist_id=self.therapist.currentData(),
            patient_id=self._planned.patient_id,
            room_id=self._planned.room_id,
            count=min(count + len(self._taken), next_available.MAX_COUNT),
            days=1,
        )
        free = [s for s in slots if self._own_visit(s.starts_at, s.ends_at) is None]
        return free[:count]

    def _suggest(self) -> list[FreeSlot]:
        planned = self._planned.starts_at.astimezone(self._zone)
        day, clock = planned.date(), planned.time()
        after = max(local_moment(day, time.min, self._zone), self._now)
        same_day = self._free(after, next_available.MAX_COUNT)
        # One an hour (07:00, 07:15 and 07:30 are one choice), at the planned minutes if free,
        # the hours nearest the planned time first.
        by_hour: dict[int, FreeSlot] = {}
        for slot in same_day:
            local = slot.starts_at.astimezone(self._zone)
            best = by_hour.get(local.hour)
            if best is None or abs(local.minute - clock.minute) < abs(
                best.starts_at.astimezone(self._zone).minute - clock.minute
            ):
                by_hour[local.hour] = slot
        nearest = sorted(by_hour.values(), key=lambda s: abs(s.starts_at - planned))
        slots = sorted(nearest[:SAME_DAY], key=lambda s: s.starts_at)
        later = 0
        for offset in range(1, LATER_DAYS + 1):
            if later == LATER:
                break
            from_then = max(local_moment(day + timedelta(days=offset), clock, self._zone), after)
            found = self._free(from_then, 1)
            slots += found
            later += len(found)
        return slots

    def _show_hint(self, text: str) -> None:
        self.suggestion_hint.setText(text)
        self.suggestion_hint.setVisible(bool(text))

    def _therapist_changed(self) -> None:
        self.load_suggestions()
        self._timer.start()

    def _suggestion_chosen(self, row: int) -> None:
        if not 0 <= row < len(self._slots):
            return
        start = self._slots[row].starts_at.astimezone(self._zone)
        self.date_edit.setDate(QDate(start.year, start.month, start.day))
        self.time_edit.set_time(start.time())
        self.run_check()

    # --- checking ---------------------------------------------------------------------------------

    def request(self) -> BookingRequest | None:
        """The planned visit at the day, time and with the therapist chosen here."""
        clock = self.time_edit.time()
        therapist = self.therapist.currentData()
        if clock is None or therapist is None:
            return None
        picked = self.date_edit.date()
        day = date(picked.year(), picked.month(), picked.day())
        starts_at = local_moment(day, clock, self._zone)
        return replace(self._planned, starts_at=starts_at, therapist_id=int(therapist))

    def run_check(self) -> None:
        self._timer.stop()
        self._check = None
        request = self.request()
        for label in (self.ok_label, self.clash_label, self.notice_label, self.form_error):
            label.hide()
        if request is None:
            self._say(self.clash_label, "⚠ " + UNREADABLE_TIME)
            return
        try:
            self._check = booking.check_booking(self._db, self._actor, request)
        except DatabaseUnavailable as exc:
            log.warning("checking another time failed: %s", exc.__cause__ or exc)
            self._say(self.clash_label, "⚠ " + CHECK_TROUBLE)
            return
        except DomainError as exc:
            self._say(self.clash_label, "✗ " + str(exc))
            return
        own = self._own_visit(
            request.starts_at, request.starts_at + timedelta(minutes=request.minutes)
        )
        if own is not None:
            clash = f"Another visit of this series is on {day_and_time(own, self._zone)}."
            self._check = replace(self._check, clashes=(*self._check.clashes, clash))
        check = self._check
        if check.clashes:
            self._say(self.clash_label, "\n".join(f"✗ {c}" for c in check.clashes))
        elif check.outside_hours is not None:
            self._say(
                self.notice_label,
                f"⚠ {check.outside_hours} An administrator signs for it when the series is booked.",
            )
        elif check.warnings:
            self._say(self.notice_label, check_words(check)[0])
        else:
            self._say(self.ok_label, check_words(check)[0])

    @staticmethod
    def _say(label: QLabel, text: str) -> None:
        label.setText(text)
        label.show()

    def check_text(self) -> str:
        labels = (self.ok_label, self.clash_label, self.notice_label)
        return "\n".join(label.text() for label in labels if not label.isHidden())

    def accept(self) -> None:
        if self._timer.isActive() or self._check is None:
            self.run_check()
        request, check = self.request(), self._check
        if request is None or check is None:
            self.time_edit.setFocus()
            return  # the reason is on screen
        if check.clashes:
            self._say(self.form_error, "⚠ " + TAKEN_TOO.format(" ".join(check.clashes)))
            self.time_edit.setFocus()
            return
        name = self.therapist.currentText().split(",")[0]
        self.alternative = Alternative(request.starts_at, request.therapist_id, name, check)
        super().accept()
