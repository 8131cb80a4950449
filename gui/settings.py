"""The clerk's settings: one typed wrapper over QSettings (IniFormat), passed in, never global."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QSettings

from model.common.paths import settings_path


@dataclass
class Identity:
    """Who is using this copy: the unit and the people printed in the report footer."""

    unit_id: str = ""
    filler: str = ""  # 填表人
    phone: str = ""  # 联系电话
    stats_head: str = ""  # 统计负责人
    unit_head: str = ""  # 单位负责人


class Settings:
    def __init__(self, path: str | None = None) -> None:
        """`path`: the settings file; by default the one `model.common.paths.settings_path` names."""
        self._qs = QSettings(str(settings_path(path)), QSettings.Format.IniFormat)

    @property
    def path(self) -> str:
        return self._qs.fileName()

    def identity(self) -> Identity:
        values = {f.name: str(self._qs.value(f"identity/{f.name}", "") or "") for f in fields(Identity)}
        return Identity(**values)

    def set_identity(self, identity: Identity) -> None:
        for f in fields(Identity):
            self._qs.setValue(f"identity/{f.name}", getattr(identity, f.name))
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
        return str(self._qs.value(f"period/{plan_id}", "") or "")

    def set_period(self, plan_id: str, period: str) -> None:
        self._qs.setValue(f"period/{plan_id}", period)
