"""Where TanBao keeps its data when nobody says otherwise."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR = "TanBao"
DB_NAME = "tanbao.sqlite"
PORTABLE_DIR = "data"


def user_data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR


def program_dir() -> Path | None:
    """The folder holding the standalone program (a PyInstaller build); None when run from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent  # the single file itself, not where it unpacks
    return None


def portable_data_dir(program: Path | None = None) -> Path | None:
    """Portable mode: a `data` folder beside the standalone program holds the database, when it exists."""
    program = program or program_dir()
    if program is None:
        return None
    folder = program / PORTABLE_DIR
    return folder if folder.is_dir() else None


def default_db_path(explicit: str | None = None) -> Path:
    """--db PATH, else TANBAO_DB, else the `data` folder beside the program, else the per-user data folder."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("TANBAO_DB")
    if env:
        return Path(env)
    portable = portable_data_dir()
    if portable is not None:
        return portable / DB_NAME
    return user_data_dir() / DB_NAME
