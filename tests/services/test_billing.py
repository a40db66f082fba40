"""Billing units: the 15-minute table, the CMS 8-minute rule with CMS's own worked examples, the
per-code rule of commercial payers, the billing lines and sentence the visit note shows, and
bad minutes refused in words a therapist understands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptclinic.services.billing import (
    CPT_CODES,
    METHOD_BY_PAYER,
    METHOD_LABELS,
    BillingLine,
    billing_lines,
    describe,
    is_timed,
    method_for_payer,
    timed_units,
    total_timed_minutes,
    total_units,
    units_explained,
    units_for_minutes,
)
from ptclinic.services.episodes import PayerType
from ptclinic.services.errors import ValidationError

TIMED = [code for code, entry in CPT_CODES.items() if entry.timed]
UNTIMED = [code for code, entry in CPT_CODES.items() if not entry.timed]

timed_visits = st.dictionaries(st.sampled_from(TIMED), st.integers(0, 120), max_size=len(TIMED))
any_visits = st.dictionaries(
    st.sampled_from(list(CPT_CODES)), st.integers(0, 120), max_size=len(CPT_CODES)
)


def test_the_catalogue_lists_evaluations_first_then_timed_codes_then_the_rest() -> None:
    assert list(CPT_CODES) == [
        *("97161", "97162", "97163", "97164"),
        *("97110", "97112", "97116", "97140", "97530", "97535", "97032", "97035", "97750"),
        *("97010", "97014"),
    ]
    assert all(code == entry.code for code, entry in CPT_CODES.items())
    assert is_timed("97110") and is_timed("97035")
    assert not is_timed("97161") and not is_timed("97014")
    assert describe("97140") == "Manual therapy"
    assert CPT_CODES["97164"].label == "97164 PT re-evaluation"
    with pytest.raises(ValidationError, match="not in the clinic's CPT list") as error:
        describe("97999")
    assert error.value.field_errors.keys() == {"97999"}


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(0, 0), (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4),
     (68, 5), (480, 32)],
)  # fmt: skip
def test_the_fifteen_minute_table(minutes: int, units: int) -> None:
    assert units_for_minutes(minutes) == units
    assert timed_units({"97110": minutes}) == {"97110": units}
    assert timed_units({"97110": minutes}, "per_code") == {"97110": units}


# The worked examples of the Medicare Claims Processing Manual, ch. 5 §20.2.
@pytest.mark.parametrize(
    ("minutes", "units"),
    [
        ({"97110": 33, "97140": 7}, {"97110": 2, "97140": 1}),
        ({"97112": 24, "97110": 23}, {"97112": 2, "97110": 1}),
        ({"97110": 7, "97140": 7, "97035": 7}, {"97110": 1, "97140": 0, "97035": 0}),
        ({"97140": 5}, {"97140": 0}),
        ({"97110": 33, "97140": 7, "97035": 7}, {"97110": 2, "97140": 1, "97035": 0}),
        ({"97112": 20, "97110": 20}, {"97112": 2, "97110": 1}),
    ],
)
def test_cms_worked_examples(minutes: dict[str, int], units: dict[str, int]) -> None:
    assert timed_units(minutes, "cms") == units
    assert timed_units(minutes) == units  # CMS is the default


def test_under_cms_short_pieces_add_up_to_a_unit_none_earns_alone() -> None:
    units = timed_units({"97110": 7, "97140": 7, "97035": 7})
    assert sum(units.values()) == 1
    # A tie goes to the code given first, whichever it is.
    assert timed_units({"97035": 7, "97110": 7, "97140": 7}) == {
        "97035": 1,
        "97110": 0,
        "97140": 0,
    }


def test_untimed_codes_get_no_timed_units_and_do_not_count_toward_the_total() -> None:
    minutes = {"97161": 60, "97110": 5, "97010": 15}
    assert timed_units(minutes) == {"97161": 0, "97110": 0, "97010": 0}
    assert timed_units(minutes, "per_code") == {"97161": 0, "97110": 0, "97010": 0}
    assert total_timed_minutes(minutes) == 5
    assert timed_units({"97163": 45, "97110": 33, "97140": 7}) == {
        "97163": 0,
        "97110": 2,
        "97140": 1,
    }


def test_codes_with_no_minutes_get_no_units() -> None:
    assert timed_units({"97110": 0, "97140": 30}) == {"97110": 0, "97140": 2}
    assert timed_units({}) == {}


@pytest.mark.parametrize(
    ("minutes", "units"),
    [
        ({"97140": 7}, {"97140": 0}),
        ({"97110": 33, "97140": 7}, {"97110": 2, "97140": 0}),
        ({"97110": 7, "97140": 7, "97035": 7}, {"97110": 0, "97140": 0, "97035": 0}),
        ({"97112": 24, "97110": 23}, {"97112": 2, "97110": 2}),
        ({"97112": 20, "97110": 20}, {"97112": 1, "97110": 1}),
        ({"97161": 60, "97530": 8}, {"97161": 0, "97530": 1}),
    ],
)
def test_per_code_counts_each_code_on_its_own(
    minutes: dict[str, int], units: dict[str, int]
) -> None:
    assert timed_units(minutes, "per_code") == units


@pytest.mark.parametrize(
    ("minutes", "key", "words"),
    [
        ({"97110": -5}, "97110", "Minutes for 97110 Therapeutic exercise cannot be negative."),
        ({"97140": 7.5}, "97140", "Minutes for 97140 Manual therapy must be a whole number"),
        ({"97140": True}, "97140", "must be a whole number of minutes"),
        ({"97140": "10"}, "97140", "must be a whole number of minutes"),
        ({"97110": 481}, "97110", "cannot be more than 480 .* in one visit; 481 were given"),
        ({"97161": -1}, "97161", "Minutes for 97161 PT evaluation, low complexity cannot be"),
        ({"97999": 10}, "97999", "“97999” is not in the clinic's CPT list."),
        ({" 97110": 10}, " 97110", "not in the clinic's CPT list: remove the spaces"),
        ({"97110 ": 10}, "97110 ", "remove the spaces around 97110"),
        ({"g0283": 10}, "g0283", "“g0283” is not in the clinic's CPT list"),
        ({97110: 10}, "97110", "must be given as text"),
    ],
)
def test_bad_minutes_and_codes_are_refused_in_words(
    minutes: dict[str, int], key: str, words: str
) -> None:
    for method in ("cms", "per_code"):
        with pytest.raises(ValidationError, match=words) as error:
            timed_units(minutes, method)
        assert list(error.value.field_errors) == [key]


def test_every_problem_is_reported_at_once_keyed_by_its_code() -> None:
    with pytest.raises(ValidationError) as error:
        timed_units({"97110": -1, "97140": 30, "97999": 5}, "cms")
    assert set(error.value.field_errors) == {"97110", "97999"}


def test_an_unknown_method_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValidationError) as error:
        timed_units({"97110": 30}, "fastest")
    message = error.value.field_errors["method"]
    assert "“fastest” is not a billing method" in message
    assert "“cms”" in message and "“per_code”" in message
    with pytest.raises(ValidationError, match="payer type, not a billing method") as error:
        timed_units({"97110": 30}, "medicare")
    assert list(error.value.field_errors) == ["method"]


def test_the_payer_decides_the_method() -> None:
    assert method_for_payer("medicare") == "cms"
    assert method_for_payer("medicaid") == "cms"
    for payer in ("commercial", "workers_comp", "auto", "self_pay", "other"):
        assert method_for_payer(payer) == "per_code"
    assert method_for_payer(PayerType.MEDICARE) == "cms"
    assert method_for_payer(" Medicare ") == "cms"
    assert set(METHOD_BY_PAYER) == {payer.value for payer in PayerType}
    assert set(METHOD_BY_PAYER.values()) == set(METHOD_LABELS)
    assert METHOD_LABELS["cms"] == "CMS 8-minute rule (total timed minutes)"


def test_billing_lines_bill_an_untimed_code_once_whatever_its_minutes() -> None:
    minutes = {"97140": 7, "97110": 33, "97162": 50, "97010": 0, "97035": 0}
    lines = billing_lines(minutes, "cms")
    assert lines == (
        BillingLine("97162", "PT evaluation, moderate complexity", 50, 1, timed=False),
        BillingLine("97110", "Therapeutic exercise", 33, 2, timed=True),
        BillingLine("97140", "Manual therapy", 7, 1, timed=True),
        # given with 0 minutes: recorded as performed, billed once
        BillingLine("97010", "Hot or cold packs", 0, 1, timed=False),
    )  # 97035 with 0 minutes has no line
    assert total_units(lines) == 5
    per_code = billing_lines(minutes, "per_code")
    assert [(line.code, line.units) for line in per_code] == [
        ("97162", 1),
        ("97110", 2),
        ("97140", 0),
        ("97010", 1),
    ]
    assert total_units(per_code) == 4
    assert billing_lines({}, "cms") == ()


@pytest.mark.parametrize(
    ("minutes", "method", "sentence"),
    [
        ({"97110": 33, "97140": 7}, "cms", "40 timed minutes = 3 units (CMS 8-minute rule)."),
        ({"97110": 8}, "cms", "8 timed minutes = 1 unit (CMS 8-minute rule)."),
        ({"97110": 7}, "cms", "7 timed minutes: fewer than 8, so no timed unit."),
        ({"97110": 1}, "cms", "1 timed minute: fewer than 8, so no timed unit."),
        ({"97161": 45}, "cms", "No timed minutes, so no timed unit."),
        (
            {"97140": 7, "97110": 33},
            "per_code",
            "Each code on its own: 97110 33 min = 2 units; "
            "97140 7 min = 0 units (under 8 minutes).",
        ),
        ({"97112": 10}, "per_code", "Each code on its own: 97112 10 min = 1 unit."),
        ({"97161": 45}, "per_code", "Each code on its own: no timed minutes."),
    ],
)
def test_the_sentence_under_the_grid(minutes: dict[str, int], method: str, sentence: str) -> None:
    assert units_explained(minutes, method) == sentence


def test_the_sentence_refuses_bad_input_like_the_units() -> None:
    with pytest.raises(ValidationError, match="cannot be negative"):
        units_explained({"97110": -1}, "cms")
    with pytest.raises(ValidationError, match="not a billing method"):
        units_explained({"97110": 10}, "8-minute")


@given(timed_visits)
def test_cms_bills_the_total_minutes_by_the_table(minutes: dict[str, int]) -> None:
    units = timed_units(minutes, "cms")
    assert list(units) == list(minutes)
    assert sum(units.values()) == units_for_minutes(sum(minutes.values()))


@given(timed_visits)
def test_cms_gives_each_code_its_full_units_and_at_most_one_more(minutes: dict[str, int]) -> None:
    units = timed_units(minutes, "cms")
    for code, given_minutes in minutes.items():
        full = given_minutes // 15
        assert full <= units[code] <= full + 1
        if given_minutes % 15 == 0:
            assert units[code] == full
    # A remainder unit never goes past a code with more minutes left over.
    extra = {code for code in minutes if units[code] > minutes[code] // 15}
    for winner in extra:
        for loser in set(minutes) - extra:
            assert minutes[winner] % 15 >= minutes[loser] % 15


@given(any_visits, st.sampled_from(["cms", "per_code"]))
def test_untimed_codes_never_get_timed_units(minutes: dict[str, int], method: str) -> None:
    units = timed_units(minutes, method)
    assert list(units) == list(minutes)
    assert all(units[code] == 0 for code in minutes if code in UNTIMED)
    timed_only = {code: m for code, m in minutes.items() if code in TIMED}
    assert {c: u for c, u in units.items() if c in TIMED} == timed_units(timed_only, method)


@given(any_visits)
def test_per_code_is_the_table_applied_to_each_code(minutes: dict[str, int]) -> None:
    units = timed_units(minutes, "per_code")
    for code, given_minutes in minutes.items():
        assert units[code] == (units_for_minutes(given_minutes) if code in TIMED else 0)


@given(any_visits, st.sampled_from(["cms", "per_code"]))
def test_lines_follow_the_catalogue_and_agree_with_the_units(
    minutes: dict[str, int], method: str
) -> None:
    lines = billing_lines(minutes, method)
    order = list(CPT_CODES)
    assert [line.code for line in lines] == sorted((line.code for line in lines), key=order.index)
    units = timed_units(minutes, method)
    untimed_given = sum(1 for code in minutes if code in UNTIMED)
    assert total_units(lines) == sum(units.values()) + untimed_given
