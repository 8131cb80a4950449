"""Setting up: the database, the year's plan and its export for the units."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from cli.common import add_force, emit, open_store, who
from cli.render import plan_text, profile_text
from model.common.errors import UserError
from model.common.i18n import translate
from model.common.untrusted import shown


def cmd_init(args: argparse.Namespace) -> int:
    from model.exchange.targets import install_plan
    from model.plan.coefficients import load_shipped_coefficients
    from model.plan.spec import load_plan

    plan = load_plan(args.plan) if args.plan else None  # validate before touching the database
    with open_store(args, create=True) as store:
        try:
            store.plans.coefficients(load_shipped_coefficients().version)
        except UserError:
            store.plans.load_coefficients(load_shipped_coefficients(), who=who())
        active = install_plan(store, plan, who=who()) if plan is not None else store.plans.get()
        data = {
            "db": str(store.path),
            "schema_version": store.db.user_version,
            "plan_id": active.id,
            "plan_year": active.year,
            "plan_title": active.title,
        }
        emit(
            args,
            data,
            lambda: translate(
                "cli", "数据库已就绪：{db}（结构版本 {v}）\n当前计划：{year}年 {title}（{id}）"
            ).format(
                db=store.path, v=store.db.user_version, year=active.year, title=active.title, id=active.id
            ),
        )
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        plan = store.plans.get()
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
        plan = store.plans.get()
    export_plan(plan, args.output, force=args.force)
    emit(
        args,
        {"path": str(args.output), "plan_id": plan.id, "plan_year": plan.year},
        lambda: translate(
            "cli", "已导出计划 {title}（{id}）到 {path}\n各单位用 main.py init --plan {path} 载入。"
        ).format(title=plan.title, id=plan.id, path=shown(args.output)),
    )
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from model.entry.profile import parse_profile_assignments, profile_labels, set_profile

    changes = parse_profile_assignments(args.set or [])
    with open_store(args, write=bool(changes)) as store:
        plan = store.plans.get()
        profile = set_profile(store, plan, changes, who=who()) if changes else store.profile.get()
    known = {u.id: u.name for u in plan.units}
    data = asdict(profile)
    shown = {
        **data,
        "unit": f"{known[profile.unit]}（{profile.unit}）" if profile.unit in known else profile.unit,
    }
    labels = profile_labels()
    emit(args, data, lambda: profile_text([(labels[k], shown[k]) for k in labels]))
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

    p = sub.add_parser(
        "profile", parents=[common], help=translate("cli", "本单位和报表表尾的签署人（窗口与命令行共用）")
    )
    p.add_argument(
        "--set",
        nargs="+",
        action="extend",
        metavar="KEY=VALUE",
        help=translate("cli", "修改：unit、unit_head、stats_head、preparer、phone；值为空则清除"),
    )
    p.set_defaults(func=cmd_profile)
