"""A unit's figures: entering them and reading the computed progress."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from cli.common import add_force, emit, open_store, unit_and_period, who
from cli.render import audit_text, checks_json, checks_text, preview_text, progress_text
from model.common.errors import UserError, ValidationError
from model.common.i18n import translate
from model.common.untrusted import shown


def cmd_enter(args: argparse.Namespace) -> int:
    from model.calc.checks import check_period
    from model.common.periods import parse_period
    from model.entry.figures import parse_assignments, store_entries

    with open_store(args, write=not args.dry_run) as store:
        plan = store.plans.get()
        if args.file:
            if args.assignments or args.unit or args.period:
                raise UserError(translate("cli", "--file 与 --unit/--period/字段=数值 不能同时使用。"))
            return _enter_file(args, store, plan)
        if args.dry_run:
            raise UserError(translate("cli", "--dry-run 只用于 --file：先列出文件中的每处修改。"))
        if not args.unit or not args.period:
            raise UserError(
                translate("cli", "请用 --unit 和 --period 指明单位和报告期，或用 --file 导入 CSV 文件。")
            )
        entries = parse_assignments(plan, args.unit, args.period, args.assignments, args.note)
        changed = store_entries(store, plan, entries, who=who()).count
        unit_id, period = entries[0].unit_id, parse_period(args.period)
        print(
            translate("cli", "已保存 {unit} {period} 的 {n} 项数据。").format(
                unit=plan.unit(unit_id).name, period=period, n=changed
            )
        )
        for problem in check_period(plan, unit_id, period, store.figures.read(plan.id, unit_id)):
            if (
                problem.severity == "warning"
                and problem.field in {e.field for e in entries}
                and problem.blocking
            ):
                print(translate("cli", "提示：{msg}（可用 --note 填写原因）").format(msg=problem.message))
    return 0


def _enter_file(args: argparse.Namespace, store: Any, plan: Any) -> int:
    """Every change (old → new) and every refusal first; then all of it in one transaction, or nothing."""
    from model.entry.figures import store_entries
    from model.entry.workbook import preview_file

    entries, preview = preview_file(store, plan, args.file)
    emit(args, asdict(preview), lambda: preview_text(plan, preview))
    if preview.problems:
        raise ValidationError(
            translate("cli", "{file} 有 {n} 处问题，全部未保存。请改正后重新导入：").format(
                file=shown(args.file), n=len(preview.problems)
            ),
            preview.problems,
        )
    if args.dry_run or not preview.changes:
        return 0
    changed = store_entries(store, plan, entries, who=who()).count
    print(translate("cli", "已从 {file} 保存 {n} 项数据。").format(file=shown(args.file), n=changed))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from model.common.periods import parse_period
    from model.reports.template import export_template

    with open_store(args) as store:
        unit = store.plans.get().find_unit(args.unit)
        path = export_template(store, unit.id, parse_period(args.period), args.output, force=args.force)
    print(translate("cli", "已导出 {unit} 的填报模板：{path}").format(unit=unit.name, path=shown(path)))
    return 0


def _report(args: argparse.Namespace) -> Any:
    from model.calc.report import report_from_store

    with open_store(args) as store:
        _plan, unit, period = unit_and_period(store, args)
        return report_from_store(store, unit.id, period, created_by=who(), strict=False)


def cmd_progress(args: argparse.Namespace) -> int:
    report = _report(args)
    report.plan.check_report_period(report.period)
    emit(args, report.progress.to_dict(), lambda: progress_text(report.progress))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """How a derived figure was obtained (the window's 计算过程 shows the same)."""
    from model.calc.explain import explain, explain_district, explain_text

    if args.unit is None:  # a district total, from the packages the district holds
        from model.calc.summary import district_view
        from model.common.periods import parse_period

        with open_store(args) as store:
            explanation = explain_district(district_view(store, parse_period(args.period)), args.figure)
        emit(args, explanation.to_dict(), lambda: explain_text(explanation))
        return 0
    report = _report(args)
    report.plan.check_report_period(report.period)
    explanation = explain(report, args.figure)
    emit(args, explanation.to_dict(), lambda: explain_text(explanation))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """The checks list, as the window's checks panel shows it; exit 1 when something blocks submission."""
    report = _report(args)
    emit(args, checks_json(report), lambda: checks_text(report))
    return 1 if report.blocking else 0


def cmd_audit(args: argparse.Namespace) -> int:
    from model.entry.figures import field_history
    from model.store.audit import render

    with open_store(args) as store:
        plan, unit, period = unit_and_period(store, args)
        entries = field_history(store, plan, unit.id, period, args.field)
    lines = [render(e) for e in entries]
    data = [
        {
            "at": e.at,
            "who": e.who,
            "action": e.action,
            "old": e.value("old"),
            "new": e.value("new"),
            "shown": {"action": line.action, "old": line.old, "new": line.new},
        }
        for e, line in zip(entries, lines, strict=True)
    ]
    emit(args, data, lambda: audit_text(unit.name, str(period), plan.field(args.field).label, lines))
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("enter", parents=[common], help=translate("cli", "保存月度数据"))
    p.add_argument("--unit", metavar="U", help=translate("cli", "单位（编号、名称或简称）"))
    p.add_argument("--period", metavar="YYYY-MM", help=translate("cli", "报告期（月份）"))
    p.add_argument(
        "--file",
        metavar="F.csv|F.xlsx",
        help=translate("cli", "CSV 文件（列为 unit,period,field,value,note）或填好的填报模板（.xlsx）"),
    )
    p.add_argument(
        "--dry-run", action="store_true", help=translate("cli", "与 --file 一起：只列出每处修改，不保存")
    )
    p.add_argument("--note", help=translate("cli", "说明（例如波动原因）"))
    p.add_argument("assignments", nargs="*", metavar="KEY=VALUE")
    p.set_defaults(func=cmd_enter)

    p = sub.add_parser(
        "template", parents=[common], help=translate("cli", "导出填报模板（Excel）：本单位各填报项 × 各月")
    )
    p.add_argument("--unit", metavar="U", required=True)
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.add_argument("-o", "--output", metavar="F.xlsx", required=True)
    add_force(p)
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("progress", parents=[common], help=translate("cli", "进度、变化率和预警颜色"))
    p.add_argument("--unit", metavar="U", required=True)
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser(
        "explain", parents=[common], help=translate("cli", "计算过程：公式、输入数据、系数版本和舍入")
    )
    p.add_argument("--unit", metavar="U", help=translate("cli", "不写则说明全区合计（区里收到的报表包）"))
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.add_argument(
        "figure",
        metavar="FIGURE",
        help=translate("cli", "progress --json 中的键，例如 annex2.ytd_change_rate_pct"),
    )
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("audit", parents=[common], help=translate("cli", "一个数值的修改记录"))
    p.add_argument("--unit", metavar="U", required=True)
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.add_argument("field", metavar="FIELD", help=translate("cli", "填报项，例如 energy_tce"))
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser(
        "check", parents=[common], help=translate("cli", "检查清单：缺填数据、审核关系、需说明原因的波动")
    )
    p.add_argument("--unit", metavar="U", required=True)
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.set_defaults(func=cmd_check)
