"""Evidence files (photos, scans, documents) a unit attaches to a task, kept inside the database."""

from __future__ import annotations

from pathlib import Path

from model.common.errors import UserError
from model.common.i18n import translate
from model.safety.files import read_bounded
from model.store.database import Store

MAX_BYTES = 20 * 1024 * 1024


def attach(
    store: Store, plan_id: str, unit_id: str, period: str, row_id: str, path: str | Path, *, who: str
) -> int:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(
                translate(
                    "evidence", "文件 {name} 有 {mb:.1f} MB，超过 {limit} MB 的上限。请压缩或拆分后再添加。"
                ).format(name=path.name, mb=size / 1024 / 1024, limit=MAX_BYTES // 1024 // 1024)
            )
        content = read_bounded(path, MAX_BYTES, translate("evidence", "文件"))
    except OSError as exc:
        raise UserError(
            translate("evidence", "无法读取文件 {name}：{err}").format(
                name=path.name, err=exc.strerror or exc
            )
        ) from None
    if not content:
        raise UserError(translate("evidence", "文件 {name} 是空的，请检查后再添加。").format(name=path.name))
    return store.add_evidence(plan_id, unit_id, period, row_id, path.name, content, who=who)


def save_copy(store: Store, evidence_id: int, destination: str | Path) -> Path:
    """Write a stored evidence file out (to open it or hand it on); the stored copy is unchanged."""
    destination = Path(destination)
    try:
        destination.write_bytes(store.evidence_content(evidence_id))
    except OSError as exc:
        raise UserError(
            translate("evidence", "无法保存到 {path}：{err}").format(
                path=destination, err=exc.strerror or exc
            )
        ) from None
    return destination
