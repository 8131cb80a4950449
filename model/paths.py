"""Where TanBao keeps its data when nobody says otherwise."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR = "TanBao"
DB_NAME = "tanbao.sqlite"


def user_data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR


def default_db_path(explicit: str | None = None) -> Path:
    """--db PATH, else TANBAO_DB, else the per-user data folder."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("TANBAO_DB")
    if env:
        return Path(env)
    return user_data_dir() / DB_NAME
