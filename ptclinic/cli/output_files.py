"""Writing a command's output file: the --out/--force/--user options, a path checked before
the password is asked, and a write that never leaves half a file or overwrites without --force
(a document saved earlier may be the only copy of what was printed then)."""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from ptclinic.cli.common import CommandError


def add_output_and_login(parser: argparse.ArgumentParser, out_help: str) -> None:
    parser.add_argument("--out", metavar="FILE", required=True, help=out_help)
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    parser.add_argument("--user", metavar="USERNAME", help="who is doing it (required)")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the user's password from the first line of standard input",
    )


def output_path(text: str, *, force: bool) -> Path:
    """Checked before the password is asked, so a typo costs nothing."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise CommandError(f"{path} is a folder: give a file name inside it for --out.")
    if not path.parent.is_dir():
        raise CommandError(f"The folder {path.parent} does not exist: create it first.")
    if path.exists() and not force:
        raise CommandError(
            f"{path} already exists and was left as it is. Choose another name, or add --force "
            "to replace it."
        )
    return path


def write_file(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` whole or not at all: a replaced file is swapped in only once complete, and
    without --force a file that appeared meanwhile is still not overwritten."""
    if force:
        temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise _write_failed(path, exc) from None
        return
    try:
        file = path.open("xb")
    except FileExistsError:
        raise CommandError(
            f"{path} was created by something else meanwhile and was left as it is. Choose "
            "another name, or add --force to replace it."
        ) from None
    except OSError as exc:
        raise _write_failed(path, exc) from None
    try:
        with file:
            file.write(data)
    except OSError as exc:
        with contextlib.suppress(OSError):
            path.unlink()  # ours alone: it did not exist a moment ago
        raise _write_failed(path, exc) from None


def _write_failed(path: Path, exc: OSError) -> CommandError:
    return CommandError(f"Could not write {path}: {exc.strerror or exc}.")
