"""Files shipped under ptclinic/resources, found the same way installed or from a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def read_text(name: str) -> str:
    return (resources.files("ptclinic") / "resources" / name).read_text(encoding="utf-8")


def style_sheet() -> str:
    """The clinic style sheet, its icon URLs pointed at the shipped icons folder."""
    # Qt reads url() from the file system; the package is installed as plain files, not a zip.
    icons = Path(str(resources.files("ptclinic") / "resources" / "icons")).as_posix()
    return read_text("style.qss").replace("@ICONS@", icons)


def icon_path(name: str) -> str:
    """The file of the shipped icon ``name`` (e.g. "chevron-down.svg"), for QIcon."""
    return Path(str(resources.files("ptclinic") / "resources" / "icons" / name)).as_posix()
