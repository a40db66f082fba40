"""The shipped diagnosis list: enough codes, well formed, current, and found as people search."""

from __future__ import annotations

import re

import pytest

from ptclinic.services.diagnoses import all_diagnoses, diagnosis, search_diagnoses
from ptclinic.services.errors import ValidationError

# Letter, two digits, then optionally a dot and one to four characters (7th-character
# placeholders "X" included).
ICD10CM = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$")


def test_the_list_covers_the_region_with_well_formed_unique_codes() -> None:
    codes = [d.code for d in all_diagnoses()]
    assert len(codes) >= 40
    assert len(set(codes)) == len(codes)
    assert all(ICD10CM.match(code) for code in codes), [c for c in codes if not ICD10CM.match(c)]
    assert all(d.description and d.group for d in all_diagnoses())
    for needed in ("M46.1", "M53.3", "S33.6XXA", "M54.50", "M99.04", "M54.42"):
        assert needed in codes


def test_codes_retired_before_2026_are_not_offered() -> None:
    codes = {d.code for d in all_diagnoses()}
    # M54.5 was split into M54.50/M54.51/M54.59 (October 2021); M51.36 and M51.37 gained
    # sixth characters (October 2024); M79.1 became M79.10-M79.18 (October 2022).
    assert not codes & {"M54.5", "M51.36", "M51.37", "M79.1"}


def test_search_by_code_with_or_without_the_dot_and_by_words_in_any_order() -> None:
    assert [d.code for d in search_diagnoses("m461")] == ["M46.1"]
    assert search_diagnoses("M46.1")[0].code == "M46.1"
    assert {d.code for d in search_diagnoses("sacroiliac")} >= {"M46.1", "S33.6XXA", "S33.6XXD"}
    assert [d.code for d in search_diagnoses("sciatica left")] == ["M54.32", "M54.42", "G57.02"]
    assert [d.code for d in search_diagnoses("left sciat")] == ["M54.32", "M54.42", "G57.02"]
    assert [d.code for d in search_diagnoses("piriformis")] == ["G57.01", "G57.02"]
    assert search_diagnoses("s33")[0].code.startswith("S33")
    assert search_diagnoses("nothing like this") == []
    assert len(search_diagnoses("", limit=5)) == 5


def test_a_code_is_looked_up_forgivingly_and_an_unknown_one_is_refused_in_words() -> None:
    assert diagnosis(" m99.04 ").description == "Segmental and somatic dysfunction of sacral region"
    with pytest.raises(ValidationError, match=r"“Z99\.9” is not on the clinic's diagnosis list"):
        diagnosis("Z99.9")
