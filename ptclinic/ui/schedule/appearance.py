"""The words and marks a visit shows: status is always a sign and a word, never colour alone
(colour-blind staff read "✓ In" where others also see the block's state)."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from ptclinic.services.calendar import AppointmentView
from ptclinic.ui.schedule.layout import GridLayout, short_date

# status → (sign alone for a narrow block, sign and word)
_MARKS = {
    "scheduled": ("", ""),
    "checked_in": ("✓", "✓ In"),
    "completed": ("✔", "✔ Done"),
    "cancelled": ("✗", "✗ Cancelled"),
    "no_show": ("⚠", "⚠ No-show"),
}
_WORDS = {
    "scheduled": "Scheduled",
    "checked_in": "✓ Checked in",
    "completed": "✔ Completed",
    "cancelled": "✗ Cancelled",
    "no_show": "⚠ No-show (missed without notice)",
}
LEGEND = "Hatched: not bookable"


def status_mark(view: AppointmentView) -> tuple[str, str]:
    """(sign, sign and word) for the corner of the visit's block; empty while scheduled."""
    if view.status == "cancelled" and view.late_cancel:
        return "✗", "✗ Late cancel"
    return _MARKS.get(view.status, ("?", view.status))


def status_words(view: AppointmentView) -> str:
    """ "✗ Cancelled late: car trouble", "✓ Checked in", "Scheduled"."""
    if view.status == "cancelled":
        words = "✗ Cancelled late" if view.late_cancel else "✗ Cancelled"
        return f"{words}: {view.cancel_reason}" if view.cancel_reason else words
    return _WORDS.get(view.status, view.status)


NOTE_WORDS = {
    "draft": "draft, not signed yet",
    "awaiting_cosign": "signed by a student, waiting for co-signature",
    "signed": "✓ signed",
}


def time_range(view: AppointmentView, zone: ZoneInfo) -> str:
    return f"{view.starts_at.astimezone(zone):%H:%M}–{view.ends_at.astimezone(zone):%H:%M}"


def short_person(full_name: str) -> str:
    """ "D. Lee" for "Dana Lee": a column of rooms has little width for whole names."""
    parts = full_name.split()
    return f"{parts[0][0]}. {' '.join(parts[1:])}" if len(parts) > 1 else full_name


PROGRESS_DUE = "⚠ Progress note due"
_PROGRESS_SUFFIX = " · progress note due"  # how visit_count_text ends at such a visit


def block_lines(view: AppointmentView, *, by_room: bool) -> tuple[str, str]:
    """The second and third line of a block under the name: what kind of visit and where (or,
    in the room view, with whom), then the visit count. A Medicare visit needing a progress
    note leads the second line with "⚠ Progress note due": a 45-minute block shows only two
    lines, and the therapist must see it before the visit starts."""
    place = short_person(view.therapist_name) if by_room else view.room_name
    second = f"{view.visit_label} · {place}" if place else view.visit_label
    third = view.visit_count_text()
    if view.progress_day is not None:
        second = f"{PROGRESS_DUE} · {second}"
        third = third.removesuffix(_PROGRESS_SUFFIX)  # said once is enough
    return second, third


def detail_text(view: AppointmentView, zone: ZoneInfo) -> str:
    """One line for the bar under the grid: everything about the selected visit."""
    parts = [
        view.patient_name,
        view.patient_phone or "no phone on file",
        f"Chart # {view.chart_number}",
        f"{short_date(view.starts_at.astimezone(zone).date())} {time_range(view, zone)}",
        f"{view.visit_label} with {view.therapist_name}",
        view.room_name or "no room",
    ]
    if count := view.visit_count_text():
        parts.append(count)
    parts.append(status_words(view))
    return "   ·   ".join(parts)


def tooltip_html(view: AppointmentView, zone: ZoneInfo) -> str:
    def row(label: str, value: str) -> str:
        return f"<tr><td>{label}&nbsp;&nbsp;</td><td>{html.escape(value)}</td></tr>"

    rows = [
        row("Phone", view.patient_phone or "not on file"),
        row("Chart #", view.chart_number),
        row("When", f"{short_date(view.starts_at.astimezone(zone).date())}, "
            f"{time_range(view, zone)} ({view.minutes} min)"),
        row("Visit", view.visit_label + (f", {c}" if (c := view.visit_count_text()) else "")),
        row("With", view.therapist_name),
        row("Room", view.room_name or "no room"),
        row("Status", status_words(view)),
    ]  # fmt: skip
    if view.note_status:
        rows.append(row("Visit note", NOTE_WORDS.get(view.note_status, view.note_status)))
    if view.note:
        rows.append(row("Note", view.note))
    return f"<b>{html.escape(view.patient_name)}</b><table>{''.join(rows)}</table>"


def summary_text(layout: GridLayout, closed: str = "") -> str:
    """ "41 visits · ✓ 4 checked in · ✗ 1 cancelled · 8 more free all day": the day in a line.

    Who has no column is counted here and named in ``hidden_names`` (a tooltip): one line, not
    three. ``closed`` (the clinic's closed-day words) replaces it all on a day without visits.
    """
    views = [p.view for p in layout.placed]
    if closed and not views:
        return closed
    active = sum(1 for v in views if v.active)
    parts = ["1 visit" if active == 1 else f"{active} visits"]
    for status, words in (
        ("checked_in", "✓ {} checked in"),
        ("completed", "✔ {} done"),
        ("cancelled", "✗ {} cancelled"),
        ("no_show", "⚠ {} no-show"),
    ):
        if count := sum(1 for v in views if v.status == status):
            parts.append(words.format(count))
    if layout.free:
        parts.append(f"{len(layout.free)} more free all day")
    if layout.off:
        parts.append(f"{len(layout.off)} not working")
    return "   ·   ".join(parts)


def hidden_names(layout: GridLayout) -> str:
    lines = []
    if layout.free:
        lines.append("Free all day: " + ", ".join(layout.free))
    if layout.off:
        lines.append("Not working: " + ", ".join(layout.off))
    return "\n".join(lines)
