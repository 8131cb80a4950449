"""The clerk's settings: one typed wrapper over QSettings (IniFormat), passed in, never global."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from model.common.paths import settings_path

# Where earlier versions kept the unit and the footer names (now the database's profile), by profile key.
_IDENTITY_KEYS = {
    "unit": "identity/unit_id",
    "preparer": "identity/filler",
    "phone": "identity/phone",
    "stats_head": "identity/stats_head",
    "unit_head": "identity/unit_head",
}


class Settings:
    def __init__(self, path: str | None = None) -> None:
        """`path`: the settings file; by default the one `model.common.paths.settings_path` names."""
        self._qs = QSettings(str(settings_path(path)), QSettings.Format.IniFormat)
        self._periods: dict[str, str] = {}  # chosen since the last `save`, by plan id

    @property
    def path(self) -> str:
        return self._qs.fileName()

    def old_identity(self) -> dict[str, str]:
        """The unit and footer names an earlier version kept here, by profile key; {} when none."""
        found = {key: str(self._qs.value(name, "") or "") for key, name in _IDENTITY_KEYS.items()}
        return {key: value for key, value in found.items() if value}

    def forget_identity(self) -> None:
        """Once moved into the database, the old copy goes (the database is the one place)."""
        self._qs.remove("identity")
        self._qs.sync()

    def key_path(self) -> str:
        """The unit's signing key (PKCS#12) chosen or created in the program."""
        return str(self._qs.value("signing/key_path", "") or "")

    def set_key_path(self, path: str) -> None:
        self._qs.setValue("signing/key_path", path)
        self._qs.sync()

    def folder(self, purpose: str) -> str:
        """The folder last used for exports, packages or imports."""
        return str(self._qs.value(f"folders/{purpose}", "") or "")

    def set_folder(self, purpose: str, folder: str) -> None:
        self._qs.setValue(f"folders/{purpose}", folder)

    def period(self, plan_id: str) -> str:
        return self._periods.get(plan_id) or str(self._qs.value(f"period/{plan_id}", "") or "")

    def set_period(self, plan_id: str, period: str) -> None:
        """Remembered now, written to the file by `save` (the window saves when it closes): QSettings
        writes its file at the next turn of the event loop and waits for the disk twice (fdatasync of
        its lock and of the file, 8–20 ms), which every switch of the period would pay."""
        self._periods[plan_id] = period

    def save(self) -> None:
        """Write what is only remembered (the periods chosen) to the file."""
        for plan_id, period in self._periods.items():
            self._qs.setValue(f"period/{plan_id}", period)
        if self._periods:
            self._periods.clear()
            self._qs.sync()
