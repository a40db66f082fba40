"""The techniques catalogue: manual therapy with grades and safety lists, and one muscle energy
technique per target with everything a colleague needs to repeat it."""

from __future__ import annotations

import pytest

from ptclinic.services.errors import NotFound, ValidationError
from ptclinic.services.exercise_library import ShippedDataError
from ptclinic.services.techniques import (
    GRADES,
    ManualTechnique,
    MuscleEnergyTechnique,
    check_grade,
    grade_meanings,
    is_muscle_energy,
    manual_techniques,
    manual_techniques_from_toml,
    muscle_energy_techniques,
    muscle_energy_techniques_from_toml,
    technique,
    validate_manual_technique,
    validate_muscle_energy_technique,
)

MET_TARGETS = {
    "MET-ANT-INNOM": "anterior",
    "MET-POST-INNOM": "posterior",
    "MET-UPSLIP": "superior",
    "MET-PUBIC": "pubic symphysis",
    "MET-SAC-FWD": "forward",
    "MET-SAC-BWD": "backward",
}


def manual(code: str) -> ManualTechnique:
    found = technique(code)
    assert isinstance(found, ManualTechnique)
    return found


def test_grades_one_to_five_each_mean_one_line() -> None:
    meanings = grade_meanings()
    assert list(meanings) == ["I", "II", "III", "IV", "V"] == list(GRADES)
    assert all(line and "\n" not in line for line in meanings.values())
    assert "thrust" in meanings["V"].lower()


def test_the_manual_catalogue_covers_mobilisation_soft_tissue_and_thrust() -> None:
    by_code = {t.code: t for t in manual_techniques()}
    assert by_code["MT-MOB-SIJ"].grades == ("I", "II", "III", "IV")
    assert by_code["MT-MOB-LUMB"].grades == ("I", "II", "III", "IV")
    soft = {t.region for t in manual_techniques() if t.kind == "soft_tissue"}
    assert soft == {"Piriformis", "Gluteals", "Quadratus lumborum", "Lumbar paraspinals"}
    assert all(t.grades == () for t in manual_techniques() if t.kind == "soft_tissue")
    thrusts = [t for t in manual_techniques() if t.kind == "thrust"]
    assert {t.code for t in thrusts} == {"MT-THR-SIJ", "MT-THR-LUMB"}
    assert all(t.grades == ("V",) for t in thrusts)
    every_grade = {g for t in manual_techniques() for g in t.grades}
    assert every_grade == set(GRADES)


def test_every_technique_lists_contraindications_and_precautions() -> None:
    for found in (*manual_techniques(), *muscle_energy_techniques()):
        assert found.contraindications and found.precautions, found.code
        assert not set(found.contraindications) & set(found.precautions), found.code


@pytest.mark.parametrize("code", ["MT-THR-SIJ", "MT-THR-LUMB"])
def test_thrust_is_barred_by_the_red_flags(code: str) -> None:
    listed = " ".join(manual(code).contraindications).lower()
    for word in ("fracture", "malignancy", "infection", "cauda equina", "osteoporosis"):
        assert word in listed, word
    assert "inflammatory joint disease in an active phase" in listed
    cautious = " ".join(manual(code).precautions).lower()
    assert "anticoagulant" in cautious


def test_si_mobilisation_is_cautious_in_pregnancy_anticoagulation_and_hypermobility() -> None:
    cautious = " ".join(manual("MT-MOB-SIJ").precautions).lower()
    for word in ("pregnancy", "anticoagulant", "hypermobility"):
        assert word in cautious


def test_every_met_target_is_there_with_hold_repetitions_and_re_engage_step() -> None:
    by_code = {t.code: t for t in muscle_energy_techniques()}
    assert set(MET_TARGETS) <= set(by_code)
    for code, word in MET_TARGETS.items():
        found = by_code[code]
        assert word in found.target.lower(), code
        assert 3 <= found.hold_seconds <= 10, code
        assert 3 <= found.repetitions <= 5, code
        assert found.relax_seconds >= 1, code
        assert "relaxed" in found.re_engage and "new barrier" in found.re_engage, code
        assert "%" in found.contraction, code
        assert found.patient_position and found.therapist_setup and found.patient_effort, code
    assert by_code["MET-PUBIC"].sided is False
    assert by_code["MET-ANT-INNOM"].sided is True


def test_codes_are_unique_and_looked_up_forgivingly() -> None:
    codes = [t.code for t in (*manual_techniques(), *muscle_energy_techniques())]
    assert len(codes) == len(set(codes))
    assert isinstance(technique(" met-upslip "), MuscleEnergyTechnique)
    assert is_muscle_energy(technique("MET-PUBIC"))
    assert not is_muscle_energy(technique("MT-MOB-SIJ"))
    with pytest.raises(NotFound, match="No technique in the catalogue has the code “MT-NONE”"):
        technique("MT-NONE")


def test_a_plan_item_may_only_choose_a_grade_its_technique_allows() -> None:
    assert check_grade("MT-MOB-SIJ", "iii") == "III"
    assert check_grade("MT-MOB-LUMB", "4") == "IV"
    assert check_grade("MT-THR-LUMB", "V") == "V"
    with pytest.raises(ValidationError, match="takes grade V, not “III”"):
        check_grade("MT-THR-SIJ", "III")
    with pytest.raises(ValidationError, match="takes grade I, II, III, IV, not “V”"):
        check_grade("MT-MOB-SIJ", "V")
    with pytest.raises(ValidationError, match="is not graded"):
        check_grade("MT-STM-PIRI", "II")
    with pytest.raises(ValidationError, match="is not graded"):
        check_grade("MET-PUBIC", "I")


MANUAL = {
    "code": "MT-TEST",
    "name": "Test mobilisation",
    "kind": "mobilisation",
    "region": "Hip",
    "description": "A test.",
    "grades": ["I", "II"],
    "contraindications": ["Fracture"],
    "precautions": ["Osteoporosis"],
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"grades": ["V"]}, "grades", "A joint mobilisation allows grades I, II, III, IV."),
        ({"grades": []}, "grades", "A joint mobilisation allows grades"),
        ({"grades": ["VI"]}, "grades", "Grades must be a list of I, II, III, IV, V."),
        ({"kind": "thrust"}, "grades", "A thrust manipulation allows grades V."),
        ({"kind": "soft_tissue"}, "grades", "Soft tissue mobilisation is not graded"),
        ({"kind": "massage"}, "kind", "Kind “massage” is not one of"),
        ({"contraindications": []}, "contraindications", "Contraindications is required."),
        ({"precautions": None}, "precautions", "Precautions is required."),
        ({"grade": "I"}, "grade", "“grade” is not a known field"),
    ],
)
def test_a_bad_manual_technique_is_refused(
    change: dict[str, object], field: str, message: str
) -> None:
    assert validate_manual_technique(MANUAL).grades == ("I", "II")
    with pytest.raises(ValidationError) as caught:
        validate_manual_technique({**MANUAL, **change})
    assert caught.value.field_errors[field].startswith(message), caught.value.field_errors


def test_a_manual_technique_without_grades_is_refused() -> None:
    without = {k: v for k, v in MANUAL.items() if k != "grades"}
    with pytest.raises(ValidationError, match="Grades is required"):
        validate_manual_technique(without)


MET = {
    "code": "MET-TEST",
    "name": "Test",
    "target": "Test target",
    "sided": True,
    "patient_position": "Supine.",
    "therapist_setup": "At the side.",
    "patient_effort": "Push.",
    "contraction": "20% of maximum",
    "hold_seconds": 5,
    "relax_seconds": 3,
    "repetitions": 4,
    "re_engage": "Take up the slack to the new barrier.",
    "contraindications": ["Fracture"],
    "precautions": ["Pregnancy"],
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"re_engage": ""}, "re_engage", "Re engage is required."),
        ({"hold_seconds": 0}, "hold_seconds", "Hold seconds must be a whole number from 1 to 30."),
        ({"repetitions": 20}, "repetitions", "Repetitions must be a whole number from 1 to 10."),
        ({"sided": "left"}, "sided", "Sided must be true or false."),
        ({"contraction": None}, "contraction", "Contraction is required."),
    ],
)
def test_a_bad_met_is_refused(change: dict[str, object], field: str, message: str) -> None:
    assert validate_muscle_energy_technique(MET).repetitions == 4
    with pytest.raises(ValidationError) as caught:
        validate_muscle_energy_technique({**MET, **change})
    assert caught.value.field_errors[field] == message


def test_a_broken_catalogue_file_names_the_file_and_the_code() -> None:
    grades = "[grades]\n" + "".join(f'{g} = "meaning"\n' for g in GRADES)
    entry = '[[technique]]\ncode = "MT-X"\nname = "X"\nkind = "thrust"\nregion = "Hip"\n'
    entry += (
        'description = "D."\ngrades = ["III"]\ncontraindications = ["A"]\nprecautions = ["B"]\n'
    )
    with pytest.raises(ShippedDataError, match=r"techniques/manual\.toml, MT-X: A thrust"):
        manual_techniques_from_toml(grades + entry)
    with pytest.raises(ShippedDataError, match=r"\[grades\] must give one line for each of I to V"):
        manual_techniques_from_toml(entry)
    fixed = entry.replace('["III"]', '["V"]')
    with pytest.raises(ShippedDataError, match="MT-X: the code is used twice"):
        manual_techniques_from_toml(grades + fixed + fixed)
    with pytest.raises(ShippedDataError, match=r"muscle_energy\.toml, MET-Y: .*is required"):
        muscle_energy_techniques_from_toml('[[technique]]\ncode = "MET-Y"\n')
