"""A plain (non-editable) install must carry the migrations and resources the program reads."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_migrations_and_resources(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("ptclinic-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected_from_tree = {
        str(path.relative_to(ROOT))
        for folder in ("ptclinic/migrations", "ptclinic/resources")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected_from_tree, "nothing found to ship"
    assert expected_from_tree <= names
    assert "ptclinic/migrations/versions/0001_foundation_schema.py" in names
    assert any(n.endswith("entry_points.txt") for n in names)
