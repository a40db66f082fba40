"""Files shipped under ptclinic/resources, found the same way installed or from a checkout."""

from __future__ import annotations

from importlib import resources


def read_text(name: str) -> str:
    return (resources.files("ptclinic") / "resources" / name).read_text(encoding="utf-8")


def style_sheet() -> str:
    return read_text("style.qss")
