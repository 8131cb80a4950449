"""A unit's figures: entering them and reading the computed progress."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import emit, open_store, who
from cli.render import progress_text
from model.common.errors import UserError
from model.common.i18n import translate
from model.common.untrusted import shown


def cmd_enter(args: argparse.Namespace) -> int:
    from model.calc.checks import check_period
    from model.common.periods import parse_period
    from model.entry.figures import parse_assignments, store_csv, store_entries

    with open_store(args, write=True) as store:
        plan = store.plan()
        if args.file:
            if args.assignments or args.unit or args.period:
                raise UserError(translate("cli", "--file 与 --unit/--period/字段=数值 不能同时使用。"))
            changed = store_csv(store, plan, args.file, who=who())
            print(translate("cli", "已从 {file} 保存 {n} 项数据。").format(file=shown(args.file), n=changed))
            return 0
        if not args.unit or not args.period:
            raise UserError(
                translate("cli", "请用 --unit 和 --period 指明单位和报告期，或用 --file 导入 CSV 文件。")
            )
        entries = parse_assignments(plan, args.unit, args.period, args.assignments, args.note)
        changed = store_entries(store, plan, entries, who=who())
        unit_id, period = entries[0].unit_id, parse_period(args.period)
        print(
            translate("cli", "已保存 {unit} {period} 的 {n} 项数据。").format(
                unit=plan.unit(unit_id).name, period=period, n=changed
            )
        )
        for problem in check_period(plan, unit_id, period, store.figures(plan.id, unit_id)):
            if (
                problem.severity == "warning"
                and problem.field in {e.field for e in entries}
                and problem.blocking
            ):
                print(translate("cli", "提示：{msg}（可用 --note 填写原因）").format(msg=problem.message))
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from model.calc.progress import unit_progress
    from model.common.periods import parse_period

    with open_store(args) as store:
        plan = store.plan()
        unit = plan.find_unit(args.unit)
        period = parse_period(args.period)
        if period.year != plan.year:
            raise UserError(
                translate("cli", "报告期 {p} 不在本计划年度（{y}年）内。").format(p=period, y=plan.year)
            )
        progress = unit_progress(
            plan, store.coefficients(plan.coefficients), store.figures(plan.id, unit.id), unit.id, period
        )
    emit(args, progress.to_dict(), lambda: progress_text(progress))
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("enter", parents=[common], help=translate("cli", "保存月度数据"))
    p.add_argument("--unit", metavar="U", help=translate("cli", "单位（编号、名称或简称）"))
    p.add_argument("--period", metavar="YYYY-MM", help=translate("cli", "报告期（月份）"))
    p.add_argument(
        "--file", metavar="F.csv", help=translate("cli", "CSV 文件，列为 unit,period,field,value,note")
    )
    p.add_argument("--note", help=translate("cli", "说明（例如波动原因）"))
    p.add_argument("assignments", nargs="*", metavar="KEY=VALUE")
    p.set_defaults(func=cmd_enter)

    p = sub.add_parser("progress", parents=[common], help=translate("cli", "进度、变化率和预警颜色"))
    p.add_argument("--unit", metavar="U", required=True)
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.set_defaults(func=cmd_progress)
