"""After a cancellation or a move frees time: offer it to the patients on the waitlist whose
wishes fit, longest waiting first, and book the chosen one straight from the list.

The page calls ``offer_freed_slot`` with the visit as it was before the change. Nothing is shown
when nobody fits (or the person may not book). Booking goes through ``book_from_waitlist``, which
books and closes the entry together; a clash or an entry changed elsewhere is said in words, that
offer leaves the list and the dialog stays open for the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListView, QWidget

from ptclinic.db import Database
from ptclinic.services import waitlist
from ptclinic.services.actor import Actor
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.errors import ConflictError, DomainError, NotFound
from ptclinic.services.permissions import Permission, can
from ptclinic.services.waitlist import WaitlistOffer
from ptclinic.ui.admin.common import Column, RecordTableModel, ServiceDialog
from ptclinic.ui.events import events
from ptclinic.ui.schedule.layout import short_date
from ptclinic.ui.schedule.waitlist_dialog import since_text
from ptclinic.ui.schedule.waitlist_panel import Card, card_list

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FreedSlot:
    """Time a therapist has free again, and the room the visit had there (kept for a visit
    booked inside that time)."""

    therapist_id: int
    therapist_name: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None = None
    room_name: str = ""

    @classmethod
    def of(cls, view: AppointmentView) -> FreedSlot:
        """The time ``view`` held, before it was cancelled or moved away."""
        return cls(
            view.therapist_id,
            view.therapist_name,
            view.starts_at,
            view.ends_at,
            view.room_id,
            view.room_name,
        )

    def holds(self, offer: WaitlistOffer) -> bool:
        return self.starts_at <= offer.starts_at and offer.ends_at <= self.ends_at

    def describe(self, zone: ZoneInfo) -> str:
        """ "Dana Lee is free on Mon Dec 7, 10:00–10:45 (Treatment 1)."."""
        start, end = self.starts_at.astimezone(zone), self.ends_at.astimezone(zone)
        room = f" ({self.room_name})" if self.room_name else ""
        return (
            f"{self.therapist_name} is free on {short_date(start.date())}, "
            f"{start:%H:%M}–{end:%H:%M}{room}."
        )


def offer_card(offer: WaitlistOffer, zone: ZoneInfo, today: date, room_name: str = "") -> Card:
    """M. Ortiz · 09:00–10:00 / Initial evaluation in Treatment 1 / Wants Mon, Thu · 08:00–12:00
    · from … · Dana Lee / Waiting since Nov 2 · phone · note."""
    entry = offer.entry
    start, end = offer.starts_at.astimezone(zone), offer.ends_at.astimezone(zone)
    where = f" in {room_name}" if room_name else ", no room yet"
    quiet = (
        f"Waiting {since_text(entry, zone, today)} · {entry.patient_phone or 'no phone on file'}"
    )
    if entry.note:
        quiet += f" · “{entry.note}”"
    return Card(
        entry.patient_short,
        f"{start:%H:%M}–{end:%H:%M}",
        (f"{entry.visit_label}{where}", f"Wants {entry.wishes_text()}"),
        (quiet,),
    )


class OffersDialog(ServiceDialog):
    """The waitlist entries that fit freed time; Book puts the chosen one there with
    ``book_from_waitlist``. ``booked_id`` is the new appointment afterwards; "Not now" closes.
    ``freed`` (optional) gives the room to keep for a visit inside the freed time."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        zone: ZoneInfo,
        offers: list[WaitlistOffer],
        freed_text: str,
        parent: QWidget | None = None,
        *,
        freed: FreedSlot | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__("Offer the free time", "&Book into the free time", parent)
        self.setMinimumWidth(580)
        self._db, self._actor, self._zone, self._freed = db, actor, zone, freed
        self._today = today or datetime.now(zone).date()
        self.booked_id: int | None = None
        self.booked: WaitlistOffer | None = None
        count = "This patient" if len(offers) == 1 else f"These {len(offers)} patients"
        self.set_intro(
            f"{freed_text}\n{count} on the waitlist would like it, longest waiting first. "
            "Call them, then book the one who takes it — or choose Not now."
        )
        not_now = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        not_now.setText("&Not now")
        self.model: RecordTableModel[WaitlistOffer] = RecordTableModel(
            [Column("Offer", lambda offer: self.card(offer).text())], self
        )
        self.model.set_records(offers)
        self.list: QListView = card_list(self.model, self.card)
        self.list.setObjectName("waitlistOffers")
        self.list.setAccessibleName("Patients on the waitlist who fit the free time")
        self.list.setMinimumHeight(180)
        self.list.doubleClicked.connect(lambda _index: self.accept())
        self.form.addRow(self.list)
        self.list.setCurrentIndex(self.model.index(0, 0))
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _room(self, offer: WaitlistOffer) -> tuple[int | None, str]:
        freed = self._freed
        if freed is not None and freed.room_id is not None and freed.holds(offer):
            return freed.room_id, freed.room_name
        return None, ""

    def card(self, offer: WaitlistOffer) -> Card:
        return offer_card(offer, self._zone, self._today, self._room(offer)[1])

    def offers(self) -> list[WaitlistOffer]:
        return self.model.records()

    def chosen(self) -> WaitlistOffer | None:
        index = self.list.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def save(self) -> None:
        offer = self.chosen()
        if offer is None:
            raise ConflictError("Choose a patient from the list first.")
        entry = offer.entry
        room_id, _room_name = self._room(offer)
        try:
            self.booked_id = waitlist.book_from_waitlist(
                self._db,
                self._actor,
                entry.id,
                entry.version,
                therapist_id=offer.therapist_id,
                starts_at=offer.starts_at,
                room_id=room_id,
            )
        except (ConflictError, NotFound) as exc:
            # Taken meanwhile, or the entry changed elsewhere: this offer cannot work any more.
            self._drop(offer)
            raise ConflictError(f"{entry.patient_short} could not be booked: {exc}") from exc
        self.booked = offer
        events().data_changed.emit("appointment", [self.booked_id])
        events().data_changed.emit("waitlist", [entry.id])

    def _drop(self, offer: WaitlistOffer) -> None:
        rest = [o for o in self.model.records() if o is not offer]
        self.model.set_records(rest)
        if rest:
            self.list.setCurrentIndex(self.model.index(0, 0))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(rest))


def offer_freed_slot(
    parent: QWidget,
    db: Database,
    actor: Actor,
    zone: ZoneInfo,
    freed: AppointmentView | FreedSlot,
    exec_dialog: Callable[[QDialog], int],
    *,
    now: datetime | None = None,
) -> int | None:
    """After ``freed`` (the visit as it was) was cancelled or moved away: offer its time from
    ``now`` on to the waitlist. Returns the appointment booked from the waitlist, or None
    (nobody fits, the person may not book, the offers could not be read, or "Not now")."""
    if not can(actor, Permission.MANAGE_SCHEDULE):
        return None
    slot = freed if isinstance(freed, FreedSlot) else FreedSlot.of(freed)
    try:
        offers = waitlist.offers_for_freed_slot(
            db, actor, slot.therapist_id, slot.starts_at, slot.ends_at, now=now
        )
    except DomainError as exc:
        # The change itself has been made; missing the offer must not look like its failure.
        log.warning("waitlist offers for freed time: %s", exc.__cause__ or exc)
        return None
    if not offers:
        return None
    dialog = OffersDialog(
        db, actor, zone, offers, slot.describe(zone), parent, freed=slot,
        today=now.astimezone(zone).date() if now is not None else None,
    )  # fmt: skip
    accepted = exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
    booked = dialog.booked_id
    dialog.deleteLater()
    return booked if accepted else None
