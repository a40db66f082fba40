"""Outcome scoring: the published ODI arithmetic with skipped sections, the bands, the pain and
function scales, and whether a change reaches the minimal clinically important difference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptclinic.services.errors import ValidationError
from ptclinic.services.outcomes import (
    Measure,
    OswestryBand,
    PsfsActivity,
    compare,
    nprs_score,
    oswestry_band,
    oswestry_percent,
    psfs_score,
)

sections = st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=10, max_size=10)


def test_all_ten_sections_answered_score_out_of_fifty() -> None:
    score = oswestry_percent([2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    assert score == 40.0
    assert score is not None and score.band is OswestryBand.MODERATE and score.answered == 10
    assert oswestry_percent([0] * 10) == 0.0
    assert oswestry_percent([5] * 10) == 100.0


def test_a_skipped_section_is_left_out_of_the_total_not_counted_as_zero() -> None:
    # 18 out of the 45 points the nine answered sections could give: 40%, not 36%.
    score = oswestry_percent([2, 2, 2, 2, 2, 2, 2, 2, 2, None])
    assert score == pytest.approx(40.0)
    assert score is not None and score.answered == 9
    assert score.text() == "40% · Moderate disability · 9 of 10 sections"
    two_skipped = oswestry_percent([3, None, 3, 3, 3, None, 3, 3, 3, 3])
    assert two_skipped == pytest.approx(60.0)


def test_more_than_two_skipped_sections_cannot_be_scored() -> None:
    assert oswestry_percent([1, None, None, None, 1, 1, 1, 1, 1, 1]) is None
    assert oswestry_percent([None] * 10) is None


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ([2] * 11, "10 sections; 11 were given"),
        ([2] * 9, "10 sections; 9 were given"),
        ([6, 2, 2, 2, 2, 2, 2, 2, 2, 2], "Section 1 must be from 0 to 5; 6 is outside it."),
        ([2, -1, 2, 2, 2, 2, 2, 2, 2, 2], "Section 2 must be from 0 to 5"),
        ([2, 2, 2.5, 2, 2, 2, 2, 2, 2, 2], "Section 3 must be a whole number"),
        ([2, 2, 2, True, 2, 2, 2, 2, 2, 2], "Section 4 must be a whole number"),
    ],
)
def test_impossible_answers_are_refused_in_words(answers: list[object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        oswestry_percent(answers)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, OswestryBand.MINIMAL),
        (20, OswestryBand.MINIMAL),
        (22, OswestryBand.MODERATE),
        (40, OswestryBand.MODERATE),
        (41, OswestryBand.SEVERE),
        (60, OswestryBand.SEVERE),
        (62, OswestryBand.CRIPPLED),
        (80, OswestryBand.CRIPPLED),
        (82, OswestryBand.BED_BOUND),
        (100, OswestryBand.BED_BOUND),
    ],
)
def test_disability_bands(percent: float, band: OswestryBand) -> None:
    assert oswestry_band(percent) is band


@given(sections)
def test_any_scorable_form_gives_a_percentage_in_range_with_its_band(
    answers: list[int | None],
) -> None:
    score = oswestry_percent(answers)
    answered = [a for a in answers if a is not None]
    if len(answered) < 8:
        assert score is None
        return
    assert score is not None
    assert 0.0 <= score <= 100.0
    assert score == pytest.approx(100 * sum(answered) / (5 * len(answered)))
    assert score.band is oswestry_band(score)


def test_pain_rating_is_a_whole_number_from_0_to_10() -> None:
    assert nprs_score(0) == 0 and nprs_score(10) == 10
    for bad in (11, -1):
        with pytest.raises(ValidationError, match="Pain rating must be from 0 to 10"):
            nprs_score(bad)
    with pytest.raises(ValidationError, match="whole number"):
        nprs_score(4.5)  # type: ignore[arg-type]


def test_psfs_is_the_average_of_up_to_five_named_activities() -> None:
    assert psfs_score([]) is None
    activities = [PsfsActivity("Sitting 1 hour", 3), PsfsActivity("Lifting a child", 6)]
    assert psfs_score(activities) == 4.5
    with pytest.raises(ValidationError, match="at most 5 activities; 6 were given"):
        psfs_score([PsfsActivity(f"Task {n}", 5) for n in range(6)])
    with pytest.raises(ValidationError, match="Activity 2 needs a name"):
        psfs_score([PsfsActivity("Walking", 4), PsfsActivity("  ", 4)])
    with pytest.raises(ValidationError, match="Activity 1 must be from 0 to 10"):
        psfs_score([PsfsActivity("Walking", 11)])


def test_changes_are_read_the_right_way_round_for_each_measure() -> None:
    odi = compare(Measure.ODI, 48, 30)
    assert odi.improvement == 18 and odi.meets_mcid
    assert odi.text() == "48% → 30% (18 points better; meets the 10-point MCID)"
    small = compare(Measure.ODI, 48, 40)
    assert not small.meets_mcid
    assert small.text() == "48% → 40% (8 points better; below the 10-point MCID)"
    pain = compare(Measure.NPRS, 7, 5)
    assert (
        pain.meets_mcid and pain.text() == "7/10 → 5/10 (2 points better; meets the 2-point MCID)"
    )
    worse = compare(Measure.NPRS, 3, 6)
    assert worse.improvement == -3 and not worse.meets_mcid and worse.worse_by_mcid
    assert "clinically important worsening" in worse.text()
    function = compare(Measure.PSFS, 3.5, 6)  # higher is better here
    assert function.improvement == 2.5 and function.meets_mcid
    assert compare(Measure.PSFS, 4, 4).text() == "4/10 → 4/10 (no change; the MCID is 2 points)"


def test_a_score_outside_the_measure_is_refused() -> None:
    with pytest.raises(ValidationError, match="runs from 0 to 10; 12 is outside it"):
        compare(Measure.NPRS, 12, 3)
    with pytest.raises(ValidationError, match="runs from 0 to 100"):
        compare(Measure.ODI, 40, float("nan"))
