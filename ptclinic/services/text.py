"""Normalising what people type: names for search keys, phone numbers, free text."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def search_key(text: str) -> str:
    """Letters and digits, accents removed and case folded, in any script:
    "O'Brién-Smith" -> "obriensmith", "Strauß" -> "strauss", "Иванов" -> "иванов".

    (Migration 0003 holds a copy of this rule to recompute stored keys; change both together.)
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return "".join(ch for ch in kept.casefold() if ch.isalnum())


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def clean_line(text: str) -> str:
    """One line of text: control characters removed, runs of white space folded, ends trimmed."""
    return " ".join(_CONTROL.sub(" ", text).split())


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def format_phone(text: str) -> str:
    """A North American number as (555) 123-4567; anything else kept as typed, tidied."""
    d = digits(text)
    if len(d) == 11 and d.startswith("1") and not text.strip().startswith("+"):
        d = d[1:]
    if len(d) == 10 and not text.strip().startswith("+"):
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    return clean_line(text)
