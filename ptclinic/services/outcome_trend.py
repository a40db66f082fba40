"""Where everything goes on an outcome-measure trend chart, worked out once for screen and paper.

The chart is a row of small multiples: one panel per measure that has at least one score (ODI,
then NPRS, then PSFS), each on its own fixed full scale (ODI 0-100 %, NPRS and PSFS 0-10), so a
panel never exaggerates a small change by zooming in. Every panel spans the same dates, so the
visits line up from panel to panel. Each shows its scores joined by a line and labelled with their
values, the baseline (first score) as a reference line, and a band from the baseline to the MCID
threshold (baseline - MCID where lower is better, baseline + MCID where higher is better, clamped
to the scale, and then labelled "MCID off scale"): a score past the band is a change the patient
notices. Labels go where they run into least; in a dense series some values between the first and
the latest are left out rather than printed over each other.

``layout_panels`` is pure arithmetic in a width × height box with y growing *down* (the screen's
way); the PDF renderer turns each y round with ``y_up``. Both renderers draw only what a
``PanelLayout`` says, so the geometry is tested here once. Text positions assume a font whose
characters average ``CHAR_WIDTH`` ems (Helvetica, or the desktop's sans serif) at ``text_size``.
Callers check ``has_data`` first: with no scores there is no chart to draw.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ptclinic.services.day_text import MONTHS, day_text
from ptclinic.services.outcomes import NPRS_MAX, PSFS_MAX, Measure, compare, format_points

MEASURE_ORDER = (Measure.ODI, Measure.NPRS, Measure.PSFS)
SCALE_TOP = {Measure.ODI: 100.0, Measure.NPRS: float(NPRS_MAX), Measure.PSFS: float(PSFS_MAX)}
SCALE_TEXT = {Measure.ODI: "0–100 %", Measure.NPRS: "0–10", Measure.PSFS: "0–10"}
# Used when the full label (``Measure.label``) is too wide for its panel.
SHORT_TITLES = {Measure.ODI: "Oswestry (ODI) %", Measure.NPRS: "Pain (NPRS)", Measure.PSFS: "PSFS"}
SUMMARY_NAMES = {Measure.ODI: "Oswestry", Measure.NPRS: "pain", Measure.PSFS: "PSFS"}
Y_STEPS = 5  # six ticks, 0 to the top of the scale
MAX_X_TICKS = 6
CHAR_WIDTH = 0.56  # ems: Helvetica's digits are 0.556; enough to keep labels apart
TITLE_SCALE = 1.1
MIN_PANEL_EMS = 15.0  # narrower than this and the panels stack instead of sitting side by side
ONE_POINT_NOTE = "one measurement so far"
_CLASH = 49  # a label cost above this runs into another label or out of its room

Role = Literal["title", "subtitle", "tick", "value", "reference", "note"]
Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class TrendPoint:
    """One dated score: ``measure`` is "odi", "nprs" or "psfs" (a ``Measure`` works too)."""

    measure: str
    taken_on: date
    score: float

    def __post_init__(self) -> None:
        try:
            measure = Measure(self.measure)
        except ValueError:
            raise ValueError(f"Unknown outcome measure {self.measure!r}.") from None
        top = SCALE_TOP[measure]
        if isinstance(self.score, bool) or math.isnan(self.score) or not 0 <= self.score <= top:
            raise ValueError(f"A {measure.label} score runs from 0 to {top:g}, not {self.score}.")


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom

    def overlaps(self, other: Box) -> bool:
        return not (
            self.right < other.left or other.right < self.left
            or self.bottom < other.top or other.bottom < self.top
        )  # fmt: skip


@dataclass(frozen=True)
class Tick:
    position: float  # x for a date tick, y for a score tick
    label: str


@dataclass(frozen=True)
class PlottedPoint:
    x: float
    y: float
    taken_on: date
    score: float


@dataclass(frozen=True)
class TextMark:
    """A piece of text: (x, y) is on its baseline, at its start, middle or end. ``role`` says how
    it looks (a title is bold; ticks, references and notes are quieter than values)."""

    x: float
    y: float
    text: str
    anchor: Anchor
    role: Role
    size: float
    halo: bool = False  # on a background-coloured patch, so a line under it does not hide it


@dataclass(frozen=True)
class PanelLayout:
    """One measure's panel. ``plot`` is where the data maps (score 0 on its bottom, the top of the
    scale on its top; the first date on its left, the last on its right); ``frame`` is the plot
    widened a little on both sides, where the axes and grid are drawn, so points at the ends do
    not sit on the y axis."""

    measure: Measure
    lower_is_better: bool
    cell: Box
    frame: Box
    plot: Box
    points: tuple[PlottedPoint, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    baseline_y: float
    mcid_y: float
    mcid_clamped: bool  # the MCID threshold lies past the end of the scale
    texts: tuple[TextMark, ...]


def y_up(y: float, height: float) -> float:
    """A layout's y (down from the top) as PDF y (up from the bottom) in a box ``height`` tall."""
    return height - y


def has_data(points: Sequence[TrendPoint]) -> bool:
    return bool(points)


def value_text(measure: str, score: float) -> str:
    """ "48" for ODI, "7" for pain, "4.7" for PSFS (an average, always shown to one decimal)."""
    return f"{score:.1f}" if Measure(measure) is Measure.PSFS else format_points(score)


def date_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}"


def grid(count: int, width: float, text_size: float) -> tuple[int, int]:
    """(columns, rows): side by side when each panel gets ``MIN_PANEL_EMS``, else stacked."""
    if count == 0:
        return 0, 0
    columns = count if width / count >= MIN_PANEL_EMS * text_size else 1
    return columns, math.ceil(count / columns)


def series_by_measure(points: Sequence[TrendPoint]) -> dict[Measure, list[TrendPoint]]:
    """The scores of each measure that has any, by date (same-day scores keep their order)."""
    ordered = sorted(points, key=lambda p: p.taken_on)
    found = {m: [p for p in ordered if Measure(p.measure) is m] for m in MEASURE_ORDER}
    return {m: series for m, series in found.items() if series}


def layout_panels(
    points: Sequence[TrendPoint], width: float, height: float, *, text_size: float = 8.0
) -> tuple[PanelLayout, ...]:
    """The panels of a chart ``width`` × ``height`` (points or pixels) with text ``text_size``
    high; empty when there are no scores."""
    series = series_by_measure(points)
    if not series:
        return ()
    columns, rows = grid(len(series), width, text_size)
    cell_w, cell_h = width / columns, height / rows
    dates = sorted({p.taken_on for p in points})
    panels = []
    for index, (measure, scores) in enumerate(series.items()):
        col, row = (index, 0) if columns > 1 else (0, index)
        cell = Box(col * cell_w, row * cell_h, (col + 1) * cell_w, (row + 1) * cell_h)
        panels.append(_panel(measure, scores, cell, dates, text_size))
    return tuple(panels)


def _panel(
    measure: Measure, scores: list[TrendPoint], cell: Box, dates: list[date], ts: float
) -> PanelLayout:
    frame = Box(
        cell.left + 2.4 * ts, cell.top + 3.8 * ts, cell.right - 1.4 * ts, cell.bottom - 2 * ts
    )
    frame = Box(frame.left, frame.top, max(frame.right, frame.left), max(frame.bottom, frame.top))
    inset = min(1.6 * ts, frame.width / 4)
    plot = Box(frame.left + inset, frame.top, frame.right - inset, frame.bottom)
    top = SCALE_TOP[measure]
    span = (dates[-1] - dates[0]).days

    def x_of(day: date) -> float:
        if span == 0:
            return (plot.left + plot.right) / 2
        return plot.left + (day - dates[0]).days / span * plot.width

    def y_of(score: float) -> float:
        return plot.bottom - score / top * plot.height

    plotted = tuple(
        PlottedPoint(x_of(p.taken_on), y_of(p.score), p.taken_on, p.score) for p in scores
    )
    y_ticks = tuple(
        Tick(y_of(top * i / Y_STEPS), format_points(top * i / Y_STEPS)) for i in range(Y_STEPS + 1)
    )
    x_ticks = _date_ticks(dates, x_of, plot, ts)
    lower = measure.lower_is_better
    target = scores[0].score + (-measure.mcid if lower else measure.mcid)
    clamped = min(max(target, 0.0), top)
    baseline_y, mcid_y = plotted[0].y, y_of(clamped)
    texts = [
        *_header_marks(measure, cell, ts),
        *(
            TextMark(frame.left - 0.4 * ts, t.position + 0.35 * ts, t.label, "end", "tick", ts)
            for t in y_ticks
        ),
        *(
            TextMark(t.position, frame.bottom + 1.35 * ts, t.label, "middle", "tick", ts)
            for t in x_ticks
        ),
    ]
    placer = _Placer(
        Box(cell.left, cell.top + 2.9 * ts, cell.right, frame.bottom),
        plotted,
        (baseline_y, mcid_y),
        ts,
    )
    texts += _value_marks(measure, plotted, placer, cell, ts)
    # "MCID" at an end of its line (left first), beyond it when there is room, else inside the
    # band; "baseline" at the right end of its line, away from the band if clear, else left out.
    size, away = ts * 0.9, (1 if lower else -1)
    mcid_text = "MCID" if clamped == target else "MCID off scale"  # drawn at the scale's end
    beyond_mcid = (mcid_y + 1.05 * size, mcid_y - 0.3 * size)[::away]
    mcid_marks = (
        *_marks(frame.left + 0.3 * ts, beyond_mcid, mcid_text, "start", size),
        *_marks(frame.right - 0.3 * ts, beyond_mcid, mcid_text, "end", size),
    )
    clear_of_band = (baseline_y - 0.3 * size, baseline_y + 1.05 * size)[::away]
    at_end = _marks(frame.right - 0.3 * ts, clear_of_band, "baseline", "end", size)
    texts += filter(None, [placer.place(mcid_marks), placer.place(at_end, limit=0)])
    if len(plotted) == 1:
        ends = (plot.bottom - 0.6 * ts, plot.top + 1.2 * ts)
        note = _marks((plot.left + plot.right) / 2, ends, ONE_POINT_NOTE, "middle", ts, "note")
        texts += filter(None, [placer.place(note)])
    return PanelLayout(
        measure, lower, cell, frame, plot, plotted, y_ticks, x_ticks,
        baseline_y, mcid_y, clamped != target, tuple(texts),
    )  # fmt: skip


def _value_marks(
    measure: Measure, plotted: tuple[PlottedPoint, ...], placer: _Placer, cell: Box, ts: float
) -> list[TextMark]:
    """Each score's value by its point: above or below it, or at one of its corners, wherever it
    runs into least. The first and the latest are placed first and always shown; a value in
    between that cannot be placed clear of the others is left out, so a dense series stays
    legible (the tooltip and the accessible description still carry every value)."""
    ends = {0, len(plotted) - 1}
    marks: dict[int, TextMark] = {}
    for index in sorted(range(len(plotted)), key=lambda i: i not in ends):
        point, text, gap = plotted[index], value_text(measure, plotted[index].score), 0.5 * ts
        half = (_width(text, ts) + 0.3 * ts) / 2  # as wide as ``text_box`` takes it
        x = min(max(point.x, cell.left + half), cell.right - half)
        options = (
            TextMark(x, point.y - 0.6 * ts, text, "middle", "value", ts, halo=True),
            TextMark(x, point.y + 1.3 * ts, text, "middle", "value", ts, halo=True),
            TextMark(point.x - gap, point.y - 0.3 * ts, text, "end", "value", ts, halo=True),
            TextMark(point.x + gap, point.y - 0.3 * ts, text, "start", "value", ts, halo=True),
            TextMark(point.x - gap, point.y + 1.0 * ts, text, "end", "value", ts, halo=True),
            TextMark(point.x + gap, point.y + 1.0 * ts, text, "start", "value", ts, halo=True),
        )
        mark = placer.place(options, near=index, limit=None if index in ends else _CLASH)
        if mark is not None:
            marks[index] = mark
    return [marks[index] for index in sorted(marks)]


def _marks(
    x: float, ys: Sequence[float], text: str, anchor: Anchor, size: float, role: Role = "reference"
) -> tuple[TextMark, ...]:
    return tuple(TextMark(x, y, text, anchor, role, size, halo=role == "reference") for y in ys)


def _width(text: str, size: float) -> float:
    return len(text) * CHAR_WIDTH * size


def _header_marks(measure: Measure, cell: Box, ts: float) -> tuple[TextMark, TextMark]:
    """The title (the measure's full name, or a short one when that would not fit) and a line
    saying the scale, which way is better and the MCID (shorter too when the panel is narrow)."""
    title_size = ts * TITLE_SCALE
    room = cell.width - ts
    title = measure.label if _width(measure.label, title_size) <= room else SHORT_TITLES[measure]
    way = "lower is better" if measure.lower_is_better else "higher is better"
    subtitle = f"{SCALE_TEXT[measure]} · {way} · MCID {format_points(measure.mcid)}"
    if _width(subtitle, ts) > room:
        subtitle = f"{way} · MCID {format_points(measure.mcid)}"
    x = cell.left + 0.3 * ts
    return (
        TextMark(x, cell.top + 0.2 * ts + title_size, title, "start", "title", title_size),
        TextMark(x, cell.top + 1.5 * ts + title_size, subtitle, "start", "subtitle", ts),
    )


def _date_ticks(
    dates: list[date], x_of: Callable[[date], float], plot: Box, ts: float
) -> tuple[Tick, ...]:
    """Ticks on measurement dates (every panel shares them), far enough apart that their labels
    do not touch and never more than ``MAX_X_TICKS``; the latest date is always among them."""
    label_w = max(_width(date_label(d), ts) for d in dates)
    gap = max(label_w + ts, plot.width / (MAX_X_TICKS - 1)) - 1e-6
    kept: list[date] = []
    for day in dates:
        if not kept or x_of(day) - x_of(kept[-1]) >= gap:
            kept.append(day)
    if kept[-1] != dates[-1] and len(kept) > 1:
        kept[-1] = dates[-1]  # further right than the one it replaces, so still clear of the rest
    return tuple(Tick(x_of(day), date_label(day)) for day in kept)


def text_box(mark: TextMark) -> Box:
    """Roughly where ``mark``'s letters lie (cap height above the baseline, a little below)."""
    width = _width(mark.text, mark.size) + 0.3 * mark.size
    left = {"start": mark.x, "middle": mark.x - width / 2, "end": mark.x - width}[mark.anchor]
    return Box(left, mark.y - 1.0 * mark.size, left + width, mark.y + 0.25 * mark.size)


class _Placer:
    """Places labels one by one, each at the first of its options that runs into least: out of
    ``room`` (into the header or the axis labels) never, then a label already placed or a point,
    then the line through the points, then the reference lines at heights ``lines``."""

    def __init__(
        self, room: Box, plotted: tuple[PlottedPoint, ...], lines: tuple[float, ...], ts: float
    ):
        self.room, self.plotted, self.lines = room, plotted, lines
        r = 0.25 * ts  # about the size of the dots the renderers draw
        self.taken = [Box(p.x - r, p.y - r, p.x + r, p.y + r) for p in plotted]

    def place(
        self, options: Iterable[TextMark], *, near: int | None = None, limit: int | None = None
    ) -> TextMark | None:
        """The best of ``options``, or ``None`` when even that costs more than ``limit``;
        ``near`` is the index of the point a value belongs to (only the lines to that point's
        neighbours count then)."""
        mark, cost = self._best(options, near)
        if limit is not None and cost > limit:
            return None
        self.taken.append(text_box(mark))
        return mark

    def _best(self, options: Iterable[TextMark], near: int | None) -> tuple[TextMark, int]:
        points = self.plotted if near is None else self.plotted[max(near - 1, 0) : near + 2]
        segments = tuple(itertools.pairwise(points))
        costed = [(mark, self._cost(text_box(mark), segments)) for mark in options]
        return min(costed, key=lambda item: item[1])

    def _cost(self, box: Box, segments: tuple[tuple[PlottedPoint, PlottedPoint], ...]) -> int:
        crossed = sum(
            any(
                box.contains(a.x + (b.x - a.x) * t / 16, a.y + (b.y - a.y) * t / 16)
                for t in range(17)
            )
            for a, b in segments
        )
        hits = sum(box.overlaps(other) for other in self.taken)
        room = self.room
        outside = not (room.contains(box.left, box.top) and room.contains(box.right, box.bottom))
        lines = sum(box.top <= y <= box.bottom for y in self.lines)
        return (_CLASH + 1) * (2 * outside + hits) + 4 * crossed + 2 * lines


def trend_summary(points: Sequence[TrendPoint]) -> str:
    """ "Oswestry 48% → 30%; pain 7 → 4; PSFS 3.0 → 6.0": first and latest score of each measure."""
    parts = []
    for measure, series in series_by_measure(points).items():
        unit = "%" if measure is Measure.ODI else ""
        first, last = (f"{value_text(measure, p.score)}{unit}" for p in (series[0], series[-1]))
        name = SUMMARY_NAMES[measure]
        parts.append(
            f"{name} {first} → {last}" if len(series) > 1 else f"{name} {first} ({ONE_POINT_NOTE})"
        )
    return "; ".join(parts)


def trend_details(points: Sequence[TrendPoint]) -> tuple[str, ...]:
    """A line per measure for a tooltip: the change with its MCID verdict, then every score."""
    lines = []
    for measure, series in series_by_measure(points).items():
        first, last = series[0], series[-1]
        if len(series) > 1:
            change = compare(measure, first.score, last.score).text()
        else:
            value = value_text(measure, first.score) + ("%" if measure is Measure.ODI else "")
            change = f"{value} on {day_text(first.taken_on)} ({ONE_POINT_NOTE})"
        scores = ", ".join(
            f"{date_label(p.taken_on)}: {value_text(measure, p.score)}" for p in series
        )
        lines.append(f"{measure.label}: {change}. {scores}")
    return tuple(lines)
