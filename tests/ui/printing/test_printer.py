"""Which pages go to the printer, in which order."""

from __future__ import annotations

from ptclinic.ui.printing.printer import page_sequence


def test_all_pages_by_default() -> None:
    assert page_sequence(3) == [0, 1, 2]


def test_a_range_counts_from_one_and_stays_inside_the_document() -> None:
    assert page_sequence(5, first=2, last=3) == [1, 2]
    assert page_sequence(3, first=2, last=9) == [1, 2]
    assert page_sequence(3, first=0, last=2) == [0, 1]  # 0: from the start


def test_copies_collated_or_page_by_page() -> None:
    assert page_sequence(2, copies=2) == [0, 1, 0, 1]
    assert page_sequence(2, copies=2, collate=False) == [0, 0, 1, 1]


def test_last_page_first() -> None:
    assert page_sequence(3, reverse=True, copies=2) == [2, 1, 0, 2, 1, 0]
