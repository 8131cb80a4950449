"""Backups of the database: list, restore, make one now."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.common import Parser, db_path, emit, who
from model.common.errors import UserError
from model.common.i18n import translate


def cmd_backup_list(args: argparse.Namespace) -> int:
    from model.store.backup import backups_dir, scan_backups

    backups, junk = scan_backups(db_path(args))
    report_junk(junk)

    def human() -> str:
        if not backups:
            return translate("cli", "还没有备份（备份放在 {folder}）。").format(
                folder=backups_dir(db_path(args))
            )
        lines = [translate("cli", "编号                 时间                   大小  原因")]
        for b in backups:
            size = f"{b.size_bytes / 1024:,.0f} KB"
            lines.append(f"{b.id:<19}  {b.created_at:%Y-%m-%d %H:%M}  {size:>10}  {b.reason_label}")
        lines.append(translate("cli", "备份文件夹：{folder}").format(folder=backups_dir(db_path(args))))
        return "\n".join(lines)

    emit(args, [b.to_dict() for b in backups], human)
    return 0


def report_junk(junk: list[Any]) -> None:
    from model.store.backup import junk_message

    if junk:
        print(translate("cli", "警告：{msg}").format(msg=junk_message(junk)), file=sys.stderr)


def cmd_backup_restore(args: argparse.Namespace) -> int:
    from model.store.backup import restore_backup

    db = db_path(args)
    done = restore_backup(db, args.id, who=who())
    data = {
        "db": str(db),
        "restored": done.backup.to_dict(),
        "schema_version": done.contents.schema_version,
        "figures": done.contents.figures,
        "last_change": done.contents.last_change,
        "before": done.before.to_dict() if done.before else None,
        "damaged_copy": str(done.damaged_copy) if done.damaged_copy else None,
    }

    def human() -> str:
        lines = [
            translate(
                "cli",
                "已把数据库 {db} 恢复为 {time} 的备份（编号 {id}，{reason}）：共 {n} 项数据，最后修改于 {last}。",
            ).format(
                db=db,
                time=f"{done.backup.created_at:%Y-%m-%d %H:%M}",
                id=done.backup.id,
                reason=done.backup.reason_label,
                n=done.contents.figures,
                last=(done.contents.last_change or "—").replace("T", " ")[:16],
            )
        ]
        if done.before:
            lines.append(
                translate(
                    "cli", "恢复前的数据已另存为备份 {id}；如需撤销，运行 main.py backup restore {id}。"
                ).format(id=done.before.id)
            )
        if done.damaged_copy:
            lines.append(translate("cli", "损坏的数据库已另存到 {folder}。").format(folder=done.damaged_copy))
        return "\n".join(lines)

    emit(args, data, human)
    return 0


def cmd_backup_now(args: argparse.Namespace) -> int:
    from model.store.backup import MANUAL, backup_now, scan_backups

    db = db_path(args)
    if not db.exists():
        raise UserError(translate("cli", "找不到数据库文件 {path}。").format(path=db))
    made = backup_now(db, MANUAL)
    report_junk(scan_backups(db)[1])
    emit(
        args,
        made.to_dict(),
        lambda: translate("cli", "已备份：编号 {id}，文件 {file}（已通过完整性检查）。").format(
            id=made.id, file=made.path
        ),
    )
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", help=translate("cli", "数据库备份：查看、恢复、立即备份"))
    backup = p.add_subparsers(
        title=translate("cli", "操作"), metavar="ACTION", parser_class=Parser, required=True
    )
    b = backup.add_parser("list", parents=[common], help=translate("cli", "列出备份，最新的在前"))
    b.set_defaults(func=cmd_backup_list)
    b = backup.add_parser(
        "restore", parents=[common], help=translate("cli", "用某个备份替换数据库（先自动备份当前数据）")
    )
    b.add_argument("id", metavar="ID", help=translate("cli", "backup list 列出的编号"))
    b.set_defaults(func=cmd_backup_restore)
    b = backup.add_parser("now", parents=[common], help=translate("cli", "立即备份"))
    b.set_defaults(func=cmd_backup_now)
