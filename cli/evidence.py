"""A task's evidence files: the window's 证明材料 dialog on the command line."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cli.common import Parser, emit, open_store, unit_and_period, who
from cli.render import evidence_text
from model.common.i18n import translate


def cmd_evidence_add(args: argparse.Namespace) -> int:
    from model.entry.evidence import attach, evidence_row

    with open_store(args, write=True) as store:
        plan, unit, period = unit_and_period(store, args)
        row = evidence_row(plan, unit.id, args.row)
        ids = [attach(store, plan.id, unit.id, str(period), row, path, who=who()) for path in args.files]
        added = [e for e in store.evidence.list(plan.id, unit.id, row) if e.id in ids]
    emit(
        args,
        [asdict(e) for e in added],
        lambda: translate("cli", "已为 {unit} {row} 添加 {n} 份证明材料：{names}").format(
            unit=unit.name, row=row, n=len(added), names="、".join(f"#{e.id} {e.file_name}" for e in added)
        ),
    )
    return 0


def cmd_evidence_list(args: argparse.Namespace) -> int:
    from model.entry.evidence import evidence_row

    with open_store(args) as store:
        plan = store.plans.get()
        unit = plan.find_unit(args.unit)
        row = evidence_row(plan, unit.id, args.row) if args.row else None
        items = store.evidence.list(plan.id, unit.id, row)
    emit(args, [asdict(e) for e in items], lambda: evidence_text(unit.name, items))
    return 0


def cmd_evidence_get(args: argparse.Namespace) -> int:
    from model.entry.evidence import save_copy

    with open_store(args) as store:
        written = save_copy(store, args.id, Path(args.output))
    emit(
        args,
        {"id": args.id, "path": str(written)},
        lambda: translate("cli", "已保存证明材料 #{id} 到 {path}").format(id=args.id, path=written),
    )
    return 0


def cmd_evidence_remove(args: argparse.Namespace) -> int:
    with open_store(args, write=True) as store:
        store.evidence.remove(args.id, who=who())
    emit(
        args,
        {"id": args.id, "removed": True},
        lambda: translate("cli", "已删除证明材料 #{id}。").format(id=args.id),
    )
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("evidence", help=translate("cli", "任务的证明材料"))
    actions = p.add_subparsers(
        title=translate("cli", "操作"), metavar="ACTION", parser_class=Parser, required=True
    )

    a = actions.add_parser("add", parents=[common], help=translate("cli", "添加证明材料"))
    a.add_argument("--unit", metavar="U", required=True)
    a.add_argument("--period", metavar="YYYY-MM", required=True)
    a.add_argument("--row", metavar="ROW", required=True, help=translate("cli", "任务或指标编号，例如 A4-12"))
    a.add_argument("files", nargs="+", metavar="FILE")
    a.set_defaults(func=cmd_evidence_add)

    a = actions.add_parser("list", parents=[common], help=translate("cli", "列出证明材料"))
    a.add_argument("--unit", metavar="U", required=True)
    a.add_argument("--row", metavar="ROW", help=translate("cli", "只列出这一项的"))
    a.set_defaults(func=cmd_evidence_list)

    a = actions.add_parser("get", parents=[common], help=translate("cli", "把一份证明材料另存为文件"))
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("-o", "--output", metavar="FILE", required=True)
    a.set_defaults(func=cmd_evidence_get)

    a = actions.add_parser(
        "remove", parents=[common], help=translate("cli", "删除一份证明材料（报送锁定的期间不能删）")
    )
    a.add_argument("id", type=int, metavar="ID")
    a.set_defaults(func=cmd_evidence_remove)
