"""Where TanBao keeps its data and settings when nobody says otherwise: the one resolver of these folders
for the command line and the window alike.

Windows: the database under %LOCALAPPDATA% (local to the PC), never the roaming %APPDATA%, which domain
PCs copy to a server at logoff and back at logon, a copy that breaks an SQLite file in WAL mode. Earlier
versions used %APPDATA%\\TanBao; `model.store.location` moves such a database on first start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR = "TanBao"
DB_NAME = "tanbao.sqlite"
PORTABLE_DIR = "data"
SETTINGS_NAME = "tanbao.ini"


def _windows_folder(variable: str, default: str) -> Path:
    return Path(os.environ.get(variable) or Path.home() / "AppData" / default)


def user_data_dir(platform: str | None = None) -> Path:
    """The per-user folder of the database, its backups and logs."""
    platform = platform or sys.platform
    if platform == "win32":
        base = _windows_folder("LOCALAPPDATA", "Local")
    elif platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR


def roaming_data_dir(platform: str | None = None) -> Path | None:
    """Windows: where TanBao 0.1 kept the database (%APPDATA%\\TanBao, roaming); None elsewhere."""
    if (platform or sys.platform) != "win32":
        return None
    return _windows_folder("APPDATA", "Roaming") / APP_DIR


def user_config_dir(platform: str | None = None) -> Path:
    """The per-user folder of the window's settings (the same folder Qt's AppConfigLocation names for
    organisation and application TanBao)."""
    platform = platform or sys.platform
    if platform == "win32":
        base = _windows_folder("LOCALAPPDATA", "Local")
    elif platform == "darwin":
        base = Path.home() / "Library" / "Preferences"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_DIR / APP_DIR


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


def default_db_path(explicit: str | None = None, platform: str | None = None) -> Path:
    """--db PATH, else TANBAO_DB, else the `data` folder beside the program, else the per-user data folder."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("TANBAO_DB")
    if env:
        return Path(env)
    portable = portable_data_dir()
    if portable is not None:
        return portable / DB_NAME
    return user_data_dir(platform) / DB_NAME


def settings_path(explicit: str | None = None, platform: str | None = None) -> Path:
    """The window's settings file: given, else beside the data in portable mode (the identity travels
    with the data folder), else the per-user settings folder."""
    if explicit:
        return Path(explicit)
    portable = portable_data_dir()
    if portable is not None:
        return portable / SETTINGS_NAME
    return user_config_dir(platform) / SETTINGS_NAME


def resource(*parts: str) -> Path:
    """A file shipped in the `resources` package (plans, tables, fonts, icons, translations): the files
    beside its __init__, from source and in the built program alike. (importlib.resources gives the same
    answer for a package on disk, but importing it costs the window's start about 10 ms.)"""
    import resources

    assert resources.__file__ is not None
    return Path(resources.__file__).parent.joinpath(*parts)
