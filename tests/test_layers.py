"""Layering rules that keep the core testable without a display."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ptclinic"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_qt_is_imported_only_inside_the_ui_package() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and any(name.split(".")[0] in {"PySide6", "shiboken6"} for name in _imports(path))
    ]
    assert offenders == []


def test_the_ui_never_touches_sqlalchemy_or_models_directly() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "ui").rglob("*.py")
        if any(
            name.split(".")[0] == "sqlalchemy" or name.startswith("ptclinic.models")
            for name in _imports(path)
        )
    ]
    assert offenders == []
