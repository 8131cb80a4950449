"""Evidence files (photos, scans, documents) a unit attaches to a task, kept inside the database."""

from __future__ import annotations

from pathlib import Path

from model.common.errors import UserError
from model.common.i18n import translate
from model.common.untrusted import shown
from model.plan.spec import Plan
from model.safety.files import read_bounded
from model.store.database import Store

MAX_BYTES = 20 * 1024 * 1024


def evidence_row(plan: Plan, unit_id: str, text: str) -> str:
    """The id of a task (annex 4) or indicator (annex 1) row of this unit that evidence may be attached to."""
    rows = [r.id for r in plan.annex4_rows_for(unit_id)] + [r.id for r in plan.annex1_rows_led_by(unit_id)]
    wanted = text.strip().upper()
    if wanted in rows:
        return wanted
    raise UserError(
        translate(
            "evidence", "{unit} 没有编号为“{row}”的任务或指标。本单位可以附证明材料的有：{rows}。"
        ).format(
            unit=plan.unit(unit_id).name, row=text, rows="、".join(rows) or translate("evidence", "（无）")
        )
    )


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
                ).format(name=shown(path.name), mb=size / 1024 / 1024, limit=MAX_BYTES // 1024 // 1024)
            )
        content = read_bounded(path, MAX_BYTES, translate("evidence", "文件"))
    except OSError as exc:
        raise UserError(
            translate("evidence", "无法读取文件 {name}：{err}").format(
                name=shown(path.name), err=exc.strerror or exc
            )
        ) from None
    if not content:
        raise UserError(
            translate("evidence", "文件 {name} 是空的，请检查后再添加。").format(name=shown(path.name))
        )
    return store.evidence.add(plan_id, unit_id, period, row_id, path.name, content, who=who)


def save_copy(store: Store, evidence_id: int, destination: str | Path) -> Path:
    """Write a stored evidence file out (to open it or hand it on); the stored copy is unchanged."""
    destination = Path(destination)
    try:
        destination.write_bytes(store.evidence.content(evidence_id))
    except OSError as exc:
        raise UserError(
            translate("evidence", "无法保存到 {path}：{err}").format(
                path=destination, err=exc.strerror or exc
            )
        ) from None
    return destination
