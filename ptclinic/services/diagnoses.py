"""The diagnosis codes an episode of care can carry: a shipped, searchable ICD-10-CM list for low
back, SI joint and pelvic girdle pain (``resources/diagnoses/``, data rather than code, so a clinic
or a yearly code update changes the file, not the program).

Search is as forgiving as the patient search: a code typed with or without its dot ("m461",
"M46.1") or words from the description in any order, each word a prefix ("sacro ilii", "sciat
left").
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

from ptclinic.services.errors import ValidationError
from ptclinic.services.text import search_key

CODE_SET = "ICD-10-CM, fiscal year 2026 (in effect from October 1, 2025)"
LIST_FILE = "icd10cm_low_back_pelvis.csv"


@dataclass(frozen=True)
class Diagnosis:
    code: str  # as printed: "M46.1"
    description: str
    group: str  # "SI joint and pelvis", "Low back", …
    also_found_by: str = ""  # words people search with that the official title lacks ("SI")

    def text(self) -> str:
        return f"{self.code} {self.description}"


def _compact(code: str) -> str:
    return search_key(code)  # "M46.1" -> "m461"


@functools.cache
def all_diagnoses() -> tuple[Diagnosis, ...]:
    """Every code on the shipped list, in the file's order (grouped by region)."""
    text = (resources.files("ptclinic") / "resources" / "diagnoses" / LIST_FILE).read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return tuple(
        Diagnosis(r["code"], r["description"], r["group"], r["also_found_by"]) for r in rows
    )


@functools.cache
def _by_code() -> dict[str, Diagnosis]:
    return {_compact(d.code): d for d in all_diagnoses()}


@functools.cache
def _words(found: Diagnosis) -> tuple[str, ...]:
    text = f"{found.description} {found.also_found_by}"
    return tuple(search_key(word) for word in text.replace("-", " ").split())


def search_diagnoses(text: str, limit: int = 20) -> list[Diagnosis]:
    """Codes whose code starts with ``text`` or whose description (or search words) has a word
    starting with each word of ``text``; codes matched by their code come first. Empty text:
    the list from its start."""
    words = [search_key(w) for w in text.replace(",", " ").split()]
    words = [w for w in words if w]
    if not words:
        return list(all_diagnoses()[:limit])
    compact = "".join(words)
    by_code = [d for d in all_diagnoses() if _compact(d.code).startswith(compact)]
    by_words = [
        d
        for d in all_diagnoses()
        if d not in by_code and all(any(part.startswith(w) for part in _words(d)) for w in words)
    ]
    return (by_code + by_words)[:limit]


def diagnosis(code: str) -> Diagnosis:
    """The listed diagnosis for ``code`` (dot and case optional), or a ``ValidationError`` that
    says it is not on the list."""
    found = _by_code().get(_compact(code))
    if found is None:
        advice = "Search by code or by words, e.g. “sacroiliac” or “M46.1”."
        raise ValidationError(
            {"diagnosis": f"“{code.strip()}” is not on the clinic's diagnosis list. {advice}"}
        )
    return found
