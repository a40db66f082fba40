"""Where the clinic's data lives and which database to use, read once at start-up.

Precedence for each setting: command-line option, then environment variable, then default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "ptclinic"
APP_AUTHOR = "PT Clinic"
DATA_DIR_ENV = "PTCLINIC_DATA_DIR"
DATABASE_URL_ENV = "PTCLINIC_DATABASE_URL"
SQLITE_FILE_NAME = "ptclinic.sqlite3"


@dataclass(frozen=True)
class AppConfig:
    data_dir: Path
    database_url: str

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def load_config(data_dir: str | None = None, database_url: str | None = None) -> AppConfig:
    """Resolve the data directory and database URL; creates the data directory."""
    chosen_dir = Path(data_dir or os.environ.get(DATA_DIR_ENV) or default_data_dir())
    chosen_dir = chosen_dir.expanduser().resolve()
    chosen_dir.mkdir(parents=True, exist_ok=True)
    url = (
        database_url
        or os.environ.get(DATABASE_URL_ENV)
        or sqlite_url(chosen_dir / SQLITE_FILE_NAME)
    )
    return AppConfig(data_dir=chosen_dir, database_url=url)
