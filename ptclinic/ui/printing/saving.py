"""Saving a PDF the app made: where to suggest, asking where, writing the bytes safely."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

PDF_FILTER = "PDF documents (*.pdf)"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class SaveFailed(Exception):
    """The file could not be written; ``str(error)`` says why and what to do."""


def safe_file_name(name: str) -> str:
    """ "Day sheet 2026/12/07" → "Day-sheet-2026-12-07.pdf": no folder separators or characters
    a file system refuses, and the .pdf ending."""
    stem = _UNSAFE.sub("-", Path(name).stem if name.lower().endswith(".pdf") else name)
    return (stem.strip("-.") or "document") + ".pdf"


def documents_folder() -> Path:
    """The person's Documents folder, or their home folder when there is none."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def ask_save_path(parent: QWidget | None, suggested_name: str) -> Path | None:
    """The platform's "Save as" dialog, starting in Documents with the suggested name; None when
    the person cancels. The dialog itself asks before replacing an existing file."""
    start = documents_folder() / safe_file_name(suggested_name)
    chosen, _filter = QFileDialog.getSaveFileName(parent, "Save as PDF", str(start), PDF_FILTER)
    return Path(chosen) if chosen else None


def with_pdf_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def write_pdf(path: Path, pdf: bytes) -> Path:
    """Write ``pdf`` to ``path`` (".pdf" added when missing); returns where it went.

    Written beside the target and then renamed over it, so a failure halfway never leaves a
    cut-off file in place of a good one; the file is its owner's alone to read (it holds patient
    data). Raises SaveFailed in plain words.
    """
    path = with_pdf_suffix(path)
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=".saving-", suffix=".pdf", dir=path.parent)
        with os.fdopen(handle, "wb") as file:
            file.write(pdf)
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SaveFailed(
            f"The PDF could not be saved as {path}: {reason}. Choose another folder, or close "
            "the file if another program has it open."
        ) from exc
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return path
