"""The trend chart's geometry, shared by screen and paper: scores map onto each panel's full
scale, every panel spans the same dates, ticks stay few and apart, the MCID band points the
right way and stays on the scale, and a lone score or a missing measure is handled."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from ptclinic.services.outcome_trend import (
    MAX_X_TICKS,
    ONE_POINT_NOTE,
    PanelLayout,
    TrendPoint,
    grid,
    has_data,
    layout_panels,
    text_box,
    trend_details,
    trend_summary,
    y_up,
)
from ptclinic.services.outcomes import Measure

START = date(2026, 3, 7)
WIDE, HIGH = 540.0, 160.0


def _series(measure: str, *scores: float, every: int = 21) -> list[TrendPoint]:
    return [
        TrendPoint(measure, START + timedelta(days=every * n), score)
        for n, score in enumerate(scores)
    ]


SAMPLE = [*_series("odi", 48, 40, 30), *_series("nprs", 7, 5, 4), *_series("psfs", 3.0, 4.7, 6.0)]


def _panel(panels: tuple[PanelLayout, ...], measure: Measure) -> PanelLayout:
    return next(panel for panel in panels if panel.measure is measure)


def _texts(panel: PanelLayout, role: str | None = None) -> list[str]:
    return [mark.text for mark in panel.texts if role is None or mark.role == role]


def test_a_panel_per_measure_in_a_fixed_order_side_by_side() -> None:
    panels = layout_panels(list(reversed(SAMPLE)), WIDE, HIGH)
    assert [panel.measure for panel in panels] == [Measure.ODI, Measure.NPRS, Measure.PSFS]
    assert [panel.cell.left for panel in panels] == [0, WIDE / 3, 2 * WIDE / 3]
    assert {panel.cell.top for panel in panels} == {0}
    assert all(panel.plot.right <= panel.cell.right for panel in panels)


def test_measures_without_scores_get_no_panel_and_no_scores_no_chart() -> None:
    panels = layout_panels(_series("psfs", 3, 5), WIDE, HIGH)
    assert [panel.measure for panel in panels] == [Measure.PSFS]
    assert panels[0].cell.right == WIDE
    assert layout_panels([], WIDE, HIGH) == ()
    assert not has_data([]) and has_data(SAMPLE[:1])


def test_scores_map_onto_the_full_scale_and_dates_onto_the_plots_width() -> None:
    points = [*_series("odi", 0, 100), *_series("nprs", 10, 0), *_series("psfs", 0, 10)]
    for panel in layout_panels(points, WIDE, HIGH):
        low, high = sorted(panel.points, key=lambda p: p.score)
        assert low.y == pytest.approx(panel.plot.bottom)
        assert high.y == pytest.approx(panel.plot.top)
        first, last = panel.points
        assert (first.x, last.x) == (
            pytest.approx(panel.plot.left),
            pytest.approx(panel.plot.right),
        )
        # The axes frame the plot with a little room, so end points do not sit on the y axis.
        assert panel.frame.left < panel.plot.left < panel.plot.right < panel.frame.right


def test_y_ticks_run_over_each_measures_whole_scale() -> None:
    odi, nprs, psfs = layout_panels(SAMPLE, WIDE, HIGH)
    assert [tick.label for tick in odi.y_ticks] == ["0", "20", "40", "60", "80", "100"]
    assert [tick.label for tick in nprs.y_ticks] == ["0", "2", "4", "6", "8", "10"]
    assert [tick.label for tick in psfs.y_ticks] == [tick.label for tick in nprs.y_ticks]
    assert odi.y_ticks[0].position == pytest.approx(odi.plot.bottom)
    assert odi.y_ticks[-1].position == pytest.approx(odi.plot.top)


def test_every_panel_spans_the_same_dates_so_visits_line_up() -> None:
    points = [*_series("odi", 48, 40, 30), TrendPoint("nprs", START + timedelta(days=21), 5)]
    odi, nprs = layout_panels(points, WIDE, HIGH)

    def share(panel: PanelLayout, x: float) -> float:
        return (x - panel.plot.left) / panel.plot.width

    assert share(nprs, nprs.points[0].x) == pytest.approx(share(odi, odi.points[1].x))
    assert [t.label for t in odi.x_ticks] == [t.label for t in nprs.x_ticks]
    assert [t.label for t in odi.x_ticks] == ["Mar 7", "Mar 28", "Apr 18"]
    assert ONE_POINT_NOTE in _texts(nprs)  # one NPRS score, placed at its own date


def test_date_ticks_are_few_apart_and_end_on_the_latest_visit() -> None:
    visits = _series("nprs", *([6, 5, 4, 5, 3] * 6), every=3)  # 30 visits over 87 days
    for width in (WIDE, 240.0, 900.0):
        (panel,) = layout_panels(visits, width, HIGH)
        ticks = panel.x_ticks
        assert 2 <= len(ticks) <= MAX_X_TICKS
        assert ticks[0].label == "Mar 7" and ticks[-1].label == "Jun 2"
        labels = [mark for mark in panel.texts if mark.role == "tick" and mark.anchor == "middle"]
        boxes = sorted((text_box(mark) for mark in labels), key=lambda box: box.left)
        assert all(a.right < b.left for a, b in itertools.pairwise(boxes))


def test_points_are_taken_in_date_order_and_the_first_is_the_baseline() -> None:
    shuffled = [SAMPLE[2], SAMPLE[0], SAMPLE[1]]
    (panel,) = layout_panels(shuffled, WIDE, HIGH)
    assert [p.score for p in panel.points] == [48, 40, 30]
    assert [p.x for p in panel.points] == sorted(p.x for p in panel.points)
    assert panel.baseline_y == panel.points[0].y


@pytest.mark.parametrize(
    ("measure", "baseline", "threshold"),
    [("odi", 48, 38), ("nprs", 7, 5), ("psfs", 3, 5)],
)
def test_the_mcid_line_lies_one_mcid_from_the_baseline_on_the_better_side(
    measure: str, baseline: float, threshold: float
) -> None:
    (panel,) = layout_panels(_series(measure, baseline, baseline), WIDE, HIGH)
    (expected,) = layout_panels(_series(measure, threshold, threshold), WIDE, HIGH)
    assert panel.mcid_y == pytest.approx(expected.points[0].y)
    # On screen y grows down: lower-is-better measures put the threshold below the baseline.
    assert (panel.mcid_y > panel.baseline_y) == (measure != "psfs")
    assert not panel.mcid_clamped
    assert "MCID" in _texts(panel, "reference")


def test_an_mcid_threshold_off_the_scale_is_clamped_to_its_end() -> None:
    odi, psfs = layout_panels([*_series("odi", 5), *_series("psfs", 9.4)], WIDE, HIGH)
    assert odi.mcid_clamped and odi.mcid_y == pytest.approx(odi.plot.bottom)
    assert psfs.mcid_clamped and psfs.mcid_y == pytest.approx(psfs.plot.top)
    for panel in (odi, psfs):
        (mcid,) = (mark for mark in panel.texts if mark.text == "MCID off scale")
        box = text_box(mcid)
        assert panel.frame.top <= box.top and box.bottom <= panel.frame.bottom


def test_a_single_score_is_shown_centred_and_says_so() -> None:
    (panel,) = layout_panels(_series("odi", 48), WIDE, HIGH)
    (point,) = panel.points
    assert point.x == pytest.approx((panel.plot.left + panel.plot.right) / 2)
    assert _texts(panel, "value") == ["48"]
    assert ONE_POINT_NOTE in _texts(panel, "note")
    assert [tick.label for tick in panel.x_ticks] == ["Mar 7"]


def test_titles_say_which_way_is_better_and_shorten_when_narrow() -> None:
    odi, nprs, psfs = layout_panels(SAMPLE, WIDE, HIGH)
    assert _texts(odi, "title") == ["Oswestry Disability Index"]
    assert "lower is better" in _texts(nprs, "subtitle")[0]
    assert _texts(psfs, "subtitle") == ["0–10 · higher is better · MCID 2"]
    narrow = layout_panels(SAMPLE, 420, HIGH, text_size=8)
    assert _texts(narrow[2], "title") == ["PSFS"]


def test_value_labels_show_each_score_inside_the_panel_without_overlapping() -> None:
    for panel in layout_panels(SAMPLE, WIDE, HIGH):
        values = [mark for mark in panel.texts if mark.role == "value"]
        expected = {Measure.ODI: ["48", "40", "30"], Measure.NPRS: ["7", "5", "4"]}
        assert [mark.text for mark in values] == expected.get(panel.measure, ["3.0", "4.7", "6.0"])
        boxes = [text_box(mark) for mark in panel.texts if mark.role in ("value", "reference")]
        for box in boxes:
            assert panel.cell.left <= box.left and box.right <= panel.cell.right
            assert panel.cell.top < box.top and box.bottom <= panel.frame.bottom
        assert not any(a.overlaps(b) for n, a in enumerate(boxes) for b in boxes[n + 1 :])


def test_a_dense_series_keeps_its_first_and_latest_values_and_no_label_collides() -> None:
    scores = [2, 3, 3, 4, 6, 5, 7, 8, 8, 9, 10, 10, 9, 8]
    (panel,) = layout_panels(_series("nprs", *scores, every=3), 160, HIGH)
    values = [mark for mark in panel.texts if mark.role == "value"]
    assert 2 < len(values) < len(scores)  # some in between are left out to keep them legible
    assert (values[0].text, values[-1].text) == ("2", "8")
    assert values[0].x < values[1].x and values[-1].x > values[-2].x
    boxes = [text_box(mark) for mark in panel.texts if mark.role in ("value", "reference")]
    assert not any(a.overlaps(b) for n, a in enumerate(boxes) for b in boxes[n + 1 :])


def test_narrow_charts_stack_their_panels() -> None:
    assert grid(3, 600, 8) == (3, 1)
    assert grid(3, 300, 8) == (1, 3)
    panels = layout_panels(SAMPLE, 300, 450)
    assert [(panel.cell.left, panel.cell.top) for panel in panels] == [(0, 0), (0, 150), (0, 300)]
    assert all(panel.cell.right == 300 for panel in panels)


def test_y_up_turns_screen_y_into_pdf_y() -> None:
    assert y_up(0, 150) == 150 and y_up(150, 150) == 0 and y_up(40, 150) == 110


def test_points_check_their_measure_and_scale() -> None:
    with pytest.raises(ValueError, match="Unknown outcome measure"):
        TrendPoint("sf36", START, 50)
    with pytest.raises(ValueError, match="0 to 10"):
        TrendPoint("nprs", START, 11)
    assert TrendPoint(Measure.ODI, START, 100).score == 100


def test_the_summary_and_details_put_the_values_in_words() -> None:
    assert trend_summary(SAMPLE) == "Oswestry 48% → 30%; pain 7 → 4; PSFS 3.0 → 6.0"
    assert trend_summary(_series("nprs", 6)) == f"pain 6 ({ONE_POINT_NOTE})"
    assert trend_summary([]) == ""
    odi, nprs, psfs = trend_details(SAMPLE)
    assert odi.startswith("Oswestry Disability Index: 48% → 30% (18 points better; meets")
    assert odi.endswith("Mar 7: 48, Mar 28: 40, Apr 18: 30")
    assert "Apr 18: 6.0" in psfs and "meets the 2-point MCID" in nprs
    assert trend_details(_series("odi", 48)) == (
        f"Oswestry Disability Index: 48% on Mar 7, 2026 ({ONE_POINT_NOTE}). Mar 7: 48",
    )
