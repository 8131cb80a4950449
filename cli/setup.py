"""Setting up: the database, the year's plan and its export for the units."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from cli.common import add_force, emit, open_store, who
from cli.render import plan_text
from model.common.errors import UserError
from model.common.i18n import translate


def cmd_init(args: argparse.Namespace) -> int:
    from model.plan.coefficients import load_shipped_coefficients
    from model.plan.spec import load_plan

    plan = load_plan(args.plan) if args.plan else None  # validate before touching the database
    with open_store(args, write=True) as store:
        try:
            store.coefficients(load_shipped_coefficients().version)
        except UserError:
            store.load_coefficients(load_shipped_coefficients(), who=who())
        if plan is not None:
            store.coefficients(plan.coefficients)  # the plan's table must be known
            store.load_plan(plan, who=who())
        active = store.plan()
        data = {
            "db": str(store.path),
            "schema_version": store.user_version,
            "plan_id": active.id,
            "plan_year": active.year,
            "plan_title": active.title,
        }
        emit(
            args,
            data,
            lambda: translate(
                "cli", "数据库已就绪：{db}（结构版本 {v}）\n当前计划：{year}年 {title}（{id}）"
            ).format(db=store.path, v=store.user_version, year=active.year, title=active.title, id=active.id),
        )
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        plan = store.plan()
    unit_id = plan.find_unit(args.unit).id if args.unit else None
    if args.json:
        if unit_id:
            data: Any = {
                "unit": asdict(plan.unit(unit_id)),
                "fields": [asdict(f) for f in plan.fields_for(unit_id)],
            }
        else:
            data = json.loads(plan.source)
            if args.annex:
                data = {"id": plan.id, "year": plan.year, f"annex{args.annex}": data[f"annex{args.annex}"]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(plan_text(plan, args.annex, unit_id))
    return 0


def cmd_plan_export(args: argparse.Namespace) -> int:
    from model.exchange.targets import export_plan

    with open_store(args) as store:
        plan = store.plan()
    export_plan(plan, args.output, force=args.force)
    emit(
        args,
        {"path": str(args.output), "plan_id": plan.id, "plan_year": plan.year},
        lambda: translate(
            "cli", "已导出计划 {title}（{id}）到 {path}\n各单位用 main.py init --plan {path} 载入。"
        ).format(title=plan.title, id=plan.id, path=args.output),
    )
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help=translate("cli", "创建或升级数据库，载入计划"))
    p.add_argument("--plan", metavar="FILE", help=translate("cli", "计划文件（默认：随程序提供的计划）"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("plan", parents=[common], help=translate("cli", "显示当前计划"))
    p.add_argument("--annex", type=int, choices=[1, 2, 3, 4], help=translate("cli", "只显示某个附件"))
    p.add_argument("--unit", metavar="U", help=translate("cli", "列出该单位的填报项"))
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser(
        "plan-export", parents=[common], help=translate("cli", "把当前计划导出为文件，发给各单位 init --plan")
    )
    p.add_argument("-o", "--output", metavar="FILE.json", required=True)
    add_force(p)
    p.set_defaults(func=cmd_plan_export)
