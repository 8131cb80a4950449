"""TanBao 碳报. No arguments: the window. A command: the same work from the command line."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from model.common import formatting as fmt
from model.common.errors import UserError, ValidationError
from model.common.i18n import translate

# argparse's own messages, in Chinese (it looks `_` up in its module at call time).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须给出一个",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
}


def _zh(text: str) -> str:
    return _ARGPARSE_ZH.get(text, text)


argparse._ = _zh  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(
            translate("cli", "错误：命令用法不对：{msg}。用 {prog} --help 查看用法。").format(
                msg=message, prog=self.prog
            )
            + "\n"
        )
        sys.exit(2)


def who() -> str:
    return os.environ.get("TANBAO_USER") or getpass.getuser()


def open_store(args: argparse.Namespace, *, write: bool = False):  # type: ignore[no-untyped-def]
    """`write=True` for commands that change the database: they take the writer lock, so a second
    program writing the same file is refused with a message naming it (reading commands are not)."""
    from model.common.paths import default_db_path
    from model.safety.drives import location_warning
    from model.store.database import Store

    path = default_db_path(args.db)
    warning = location_warning(path)
    if warning:
        print(translate("cli", "警告：{msg}").format(msg=warning), file=sys.stderr)
    return Store(path, exclusive=write)


def emit(args: argparse.Namespace, data: Any, human: Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(human())


# ---- commands ---------------------------------------------------------------------------------


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


def _plan_text(plan: Any, annex: int | None, unit_id: str | None) -> str:
    lines = [f"{plan.title}", f"{plan.issuer}  {plan.doc_number}  {plan.issued_on}", ""]
    if unit_id:
        unit = plan.unit(unit_id)
        lines.append(translate("cli", "{name}（{id}）的填报项：").format(name=unit.name, id=unit.id))
        for f in plan.fields_for(unit_id):
            req = translate("cli", "必填") if f.required else ""
            lines.append(f"  {f.key:<34} {f.label}  {f.unit}  {req}".rstrip())
        return "\n".join(lines)
    if annex in (None, 1):
        lines.append(translate("cli", "附件1 {title}").format(title=plan.annexes[1].title))
        for r1 in plan.annex1:
            resp = "、".join(plan.ref_label(x) for x in r1.responsible)
            lines.append(f"  {r1.id} [{r1.category}/{r1.area}] {r1.text}  —— {resp}")
    if annex in (None, 2):
        lines.append(translate("cli", "附件2 {title}").format(title=plan.annexes[2].title))
        for r2 in plan.annex2:
            lines.append(f"  {plan.unit(r2.unit).name:<16} {r2.target_pct:+.1f}%")
    if annex in (None, 3):
        lines.append(translate("cli", "附件3 {title}").format(title=plan.annexes[3].title))
        for r3 in plan.annex3:
            lines.append(
                f"  {plan.unit(r3.unit).name}  {r3.total_cap_wan_tce:g} 万吨标煤  "
                f"{r3.intensity_target:g} {r3.intensity_unit}"
            )
    if annex in (None, 4):
        lines.append(translate("cli", "附件4 {title}").format(title=plan.annexes[4].title))
        for r4 in plan.annex4:
            resp = "、".join(plan.ref_label(x) for x in r4.responsible)
            lines.append(f"  {r4.id} [{r4.area}] {r4.text}  —— {resp}")
    return "\n".join(lines)


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
        print(_plan_text(plan, args.annex, unit_id))
    return 0


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
            print(translate("cli", "已从 {file} 保存 {n} 项数据。").format(file=args.file, n=changed))
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


def _progress_text(p: Any) -> str:
    lines = [
        translate("cli", "{unit}  {label}（序时进度 {elapsed}）").format(
            unit=p.unit_name, label=p.period_label, elapsed=fmt.pct(p.elapsed_pct)
        )
    ]
    a2 = p.annex2
    if a2:
        lines += [
            translate("cli", "附件2 规上工业单位产值能耗"),
            translate("cli", "  本年累计综合能耗 {e} 吨标准煤，上年同期 {el}").format(
                e=fmt.amount(a2.ytd_energy_tce), el=fmt.amount(a2.ytd_energy_tce_last_year)
            ),
            translate("cli", "  本年累计产值 {y} 万元，上年同期 {yl}").format(
                y=fmt.amount(a2.ytd_output_wan_yuan), yl=fmt.amount(a2.ytd_output_wan_yuan_last_year)
            ),
            translate("cli", "  单位产值能耗 {i} 吨标准煤/万元，上年同期 {il}").format(
                i=fmt.intensity(a2.ytd_intensity_tce_per_wan_yuan),
                il=fmt.intensity(a2.ytd_intensity_last_year_tce_per_wan_yuan),
            ),
            translate("cli", "  累计变化率 {r}，目标 {t}，完成率 {c}  【{colour}】").format(
                r=fmt.rate(a2.ytd_change_rate_pct),
                t=fmt.rate(a2.target_pct),
                c=fmt.pct(a2.completion_rate_pct),
                colour=a2.colour_label,
            ),
        ]
    a3 = p.annex3
    if a3:
        lines += [
            translate("cli", "附件3 能耗双控（电力按{basis}，系数 {version}）").format(
                basis=a3.electricity_basis_label, version=a3.coefficient_version
            ),
            translate("cli", "  本年累计 {ytd} 吨标准煤，总量控制 {cap} 吨标准煤（已用 {used}）").format(
                ytd=fmt.amount(a3.ytd_tce), cap=fmt.amount(a3.cap_tce), used=fmt.pct(a3.cap_used_pct)
            ),
            translate("cli", "  预计全年 {proj} 吨标准煤（线性 {lin}，按上年月度分布 {prof}）【{c}】").format(
                proj=fmt.amount(a3.projected_tce),
                lin=fmt.amount(a3.projected_tce_linear),
                prof=fmt.amount(a3.projected_tce_by_profile),
                c=_colour(a3.total_colour),
            ),
            translate("cli", "  能耗强度 {i}，目标 {t} {u}【{c}】；同比 {yoy}，要求 {yt}【{yc}】").format(
                i=fmt.intensity(a3.intensity),
                t=fmt.intensity(a3.intensity_target),
                u=a3.intensity_unit,
                c=_colour(a3.intensity_colour),
                yoy=fmt.rate(a3.intensity_yoy_change_pct),
                yt=fmt.rate(a3.intensity_yoy_target_pct),
                yc=_colour(a3.intensity_yoy_colour),
            ),
        ]
    for title, rows in (
        (translate("cli", "附件1 主要指标"), p.annex1),
        (translate("cli", "附件4 重点任务"), p.annex4),
    ):
        if rows:
            lines.append(title)
        for r in rows:
            shown = r.status or (fmt.amount(r.value) if r.value is not None else "—")
            lines.append(f"  {r.id} {r.text[:30]}  {shown}  {r.target}  【{r.colour_label}】")
    lines.append(translate("cli", "总体：【{c}】").format(c=_colour(p.colour)))
    return "\n".join(lines)


def _colour(colour: str | None) -> str:
    from model.calc.progress import colour_label

    return colour_label(colour)


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
    emit(args, progress.to_dict(), lambda: _progress_text(progress))
    return 0


# ---- reports and signatures -------------------------------------------------------------------


def read_passphrase(prompt: str, *, confirm: bool = False) -> str:
    """TANBAO_PASSPHRASE, else a prompt on the terminal; never a command-line argument."""
    env = os.environ.get("TANBAO_PASSPHRASE")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise UserError(translate("cli", "需要密钥口令：请在终端中运行，或设置环境变量 TANBAO_PASSPHRASE。"))
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(translate("cli", "再输入一次口令：")) != first:
        raise UserError(translate("cli", "两次输入的口令不一致，密钥未创建。请重新运行。"))
    return first


def report_people() -> Any:
    """The form's footer from TANBAO_UNIT_HEAD / _STATS_HEAD / _PREPARER / _PHONE; blank = sign by hand."""
    from model.reports.tables import ReportPeople

    env = os.environ.get
    return ReportPeople(
        unit_head=env("TANBAO_UNIT_HEAD", ""),
        stats_head=env("TANBAO_STATS_HEAD", ""),
        preparer=env("TANBAO_PREPARER", ""),
        phone=env("TANBAO_PHONE", ""),
    )


def cmd_keys_new(args: argparse.Namespace) -> int:
    from model.reports.signing import certificate_info, load_key, new_key
    from model.safety.files import write_atomic

    out = args.output
    if os.path.exists(out):
        raise UserError(
            translate("cli", "{path} 已存在。为免覆盖已有密钥，请换一个文件名或先移走原文件。").format(
                path=out
            )
        )
    with open_store(args) as store:
        plan = store.plan()
    unit = plan.find_unit(args.unit)
    passphrase = read_passphrase(translate("cli", "为新密钥设定口令："), confirm=True)
    p12 = new_key(unit.id, unit.full_name, passphrase, algorithm=args.algorithm, district=plan.district)
    write_atomic(out, p12)
    info = certificate_info(load_key(p12, passphrase).certificate)
    emit(
        args,
        {"path": str(out), **asdict(info)},
        lambda: translate(
            "cli",
            "已为 {unit} 创建密钥 {path}（{alg}）\n证书 SHA-256 指纹：{fp}\n请妥善保管密钥文件和口令；用 keys cert 导出证书交给区里。",
        ).format(unit=unit.full_name, path=out, alg=info.algorithm, fp=info.fingerprint_sha256),
    )
    return 0


def cmd_keys_cert(args: argparse.Namespace) -> int:
    from model.reports.signing import key_certificate
    from model.safety.files import write_atomic

    pem, info = key_certificate(args.key, read_passphrase(translate("cli", "密钥口令：")))
    write_atomic(args.output, pem.encode("ascii"))
    emit(
        args,
        {"path": str(args.output), **asdict(info)},
        lambda: translate(
            "cli", "证书已导出到 {path}\n单位：{org}\n证书 SHA-256 指纹：{fp}\n有效期至：{until}"
        ).format(
            path=args.output,
            org=info.organization or info.common_name,
            fp=info.fingerprint_sha256,
            until=info.not_after,
        ),
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from model.common.periods import parse_period
    from model.reports.export import district_summary_file, unit_report
    from model.safety.files import write_atomic

    period = parse_period(args.period)
    kind = args.kind
    if kind.startswith("summary-"):
        if args.unit or args.key:
            raise UserError(translate("cli", "汇总表不按单位导出，也不签名：请去掉 --unit 和 --key。"))
        with open_store(args) as store:
            data, summary = district_summary_file(
                store, period, kind.removeprefix("summary-"), report_people()
            )
        write_atomic(args.output, data)
        print(
            translate("cli", "已导出 {period} 汇总表：{path}（已报 {a} 个单位，未报 {b} 个）").format(
                period=period.label(), path=args.output, a=len(summary.reported), b=len(summary.not_reported)
            )
        )
        return 0
    if not args.unit:
        raise UserError(translate("cli", "请用 --unit 指明导出哪个单位的报表。"))
    if kind == "xlsx" and args.key:
        raise UserError(translate("cli", "Excel 工作簿不签名：--key 只用于 export pdf。"))
    key = None
    if args.key:
        from model.reports.signing import load_key

        key = load_key(args.key, read_passphrase(translate("cli", "密钥口令：")))
    with open_store(args) as store:
        unit = store.plan().find_unit(args.unit)
        data = unit_report(store, unit.id, period, kind, report_people(), who=who(), key=key)
    write_atomic(args.output, data)
    signed = translate("cli", "，已签名") if key else ""
    print(
        translate("cli", "已导出 {unit} {period} 报表：{path}{signed}").format(
            unit=unit.name, period=period.label(), path=args.output, signed=signed
        )
    )
    return 0


def _yes(value: bool) -> str:
    return translate("cli", "是") if value else translate("cli", "否")


def _verify_text(result: Any) -> str:
    lines = [translate("cli", "文件：{path}").format(path=result.path)]
    if result.signed:
        lines += [
            translate("cli", "签名人：{signer}（{unit}）").format(
                signer=result.signer, unit=result.signer_unit or "—"
            ),
            translate("cli", "证书 SHA-256 指纹：{fp}").format(fp=result.fingerprint_sha256),
            translate("cli", "签名时间：{t}").format(t=result.signing_time or "—"),
            translate("cli", "签名完整：{v}").format(v=_yes(result.intact and result.valid)),
            translate("cli", "覆盖整个文件：{v}").format(v=_yes(result.covers_entire_file)),
            translate("cli", "证书受信任：{v}").format(v=_yes(result.trusted)),
        ]
    s = result.data_summary
    if s:
        version = (
            translate("cli", "第 {v} 版").format(v=s["version"])
            if s["version"]
            else translate("cli", "未提交的导出件")
        )
        lines.append(
            translate(
                "cli", "报表数据：{unit}（{uid}）{period}，{version}，{n} 项数据，{p} 条检查提示"
            ).format(
                unit=s["unit_name"],
                uid=s["unit_id"],
                period=s["period"],
                version=version,
                n=s["figures"],
                p=s["problems"],
            )
        )
    if result.ok:
        lines.append(translate("cli", "结论：通过。"))
    else:
        lines.append(translate("cli", "结论：未通过。"))
        lines += [f"  - {reason}" for reason in result.reasons]
    return "\n".join(lines)


def cmd_verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from model.reports.signing import verify_pdf

    pems = []
    for cert in args.trust or []:
        try:
            pems.append(Path(cert).read_bytes())
        except OSError as exc:
            raise UserError(
                translate("cli", "无法读取证书文件 {path}：{err}").format(path=cert, err=exc.strerror or exc)
            ) from None
    result = verify_pdf(args.file, pems)
    emit(args, result.to_dict(), lambda: _verify_text(result))
    return 0 if result.ok else 1


def _db_path(args: argparse.Namespace) -> Any:
    from model.common.paths import default_db_path

    return default_db_path(args.db)


def cmd_backup_list(args: argparse.Namespace) -> int:
    from model.store.backup import backups_dir, list_backups

    backups = list_backups(_db_path(args))

    def human() -> str:
        if not backups:
            return translate("cli", "还没有备份（备份放在 {folder}）。").format(
                folder=backups_dir(_db_path(args))
            )
        lines = [translate("cli", "编号                 时间                   大小  原因")]
        for b in backups:
            size = f"{b.size_bytes / 1024:,.0f} KB"
            lines.append(f"{b.id:<19}  {b.created_at:%Y-%m-%d %H:%M}  {size:>10}  {b.reason_label}")
        lines.append(translate("cli", "备份文件夹：{folder}").format(folder=backups_dir(_db_path(args))))
        return "\n".join(lines)

    emit(args, [b.to_dict() for b in backups], human)
    return 0


def cmd_backup_restore(args: argparse.Namespace) -> int:
    from model.store.backup import restore_backup

    db = _db_path(args)
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
    from model.store.backup import MANUAL, backup_now

    db = _db_path(args)
    if not db.exists():
        raise UserError(translate("cli", "找不到数据库文件 {path}。").format(path=db))
    made = backup_now(db, MANUAL)
    emit(
        args,
        made.to_dict(),
        lambda: translate("cli", "已备份：编号 {id}，文件 {file}（已通过完整性检查）。").format(
            id=made.id, file=made.path
        ),
    )
    return 0


# ---- submissions that go upward (issue 5) -----------------------------------------------------


def _unit_and_period(store: Any, args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from model.common.periods import parse_period

    plan = store.plan()
    unit = plan.find_unit(args.unit)
    period = parse_period(args.period)
    if period.year != plan.year:
        raise UserError(
            translate("cli", "报告期 {p} 不在本计划年度（{y}年）内。").format(p=period, y=plan.year)
        )
    return plan, unit, period


def cmd_submit(args: argparse.Namespace) -> int:
    from model.exchange.submission import blocking_problems, period_state, submit
    from model.reports.signing import load_key

    people = report_people()
    with open_store(args, write=True) as store:
        plan, unit, period = _unit_and_period(store, args)
        state = period_state(store, plan, unit.id, period)
        if not state.locked:  # say what blocks it before asking for the passphrase
            problems = blocking_problems(store, plan, unit.id, period)
            if problems:
                raise ValidationError(
                    translate("cli", "{unit} {period} 还有 {n} 个问题，不能报送：").format(
                        unit=unit.name, period=period, n=len(problems)
                    ),
                    [p.message for p in problems],
                )
        key = load_key(args.key, read_passphrase(translate("cli", "密钥口令：")))
        result = submit(
            store,
            plan,
            unit.id,
            period,
            key,
            args.output,
            who=who(),
            signer_name=people.preparer or who(),
            people=people,
        )
    data = {
        "unit_id": unit.id,
        "period": str(period),
        "version": result.version,
        "pdf": str(result.pdf_path),
        "xlsx": str(result.xlsx_path),
        "submitted_at": result.created_at,
        "written_again": result.written_again,
    }

    def human() -> str:
        if result.written_again:
            head = translate(
                "cli", "{unit} {period} 已作为第 {v} 版报送（数据已锁定），已把原报送文件再次写出："
            ).format(unit=unit.name, period=period, v=result.version)
        else:
            head = translate("cli", "已报送 {unit} {period} 第 {v} 版，数据已锁定。报送文件：").format(
                unit=unit.name, period=period, v=result.version
            )
        return "\n".join([head, f"  {result.pdf_path}", f"  {result.xlsx_path}"])

    emit(args, data, human)
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    from model.exchange.submission import correct

    with open_store(args, write=True) as store:
        plan, unit, period = _unit_and_period(store, args)
        state = correct(store, plan, unit.id, period, args.reason, who=who())
    emit(args, asdict(state), lambda: state.message)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from model.exchange.submission import period_state, write_package

    with open_store(args) as store:
        plan, unit, period = _unit_and_period(store, args)
        state = period_state(store, plan, unit.id, period)
        written: tuple[Any, ...] = ()
        if args.output:
            done = [v.version for v in state.versions if v.submitted_at]
            version = args.version or (done[-1] if done else 0)
            written = write_package(store, plan, unit.id, period, version, args.output)
        elif args.version:
            raise UserError(translate("cli", "--version 需要与 -o 目录一起使用，用来写出该版的报送文件。"))

    def human() -> str:
        lines = [f"{unit.name} {period}：{state.status_label}。{state.message}"]
        for v in state.versions:
            when = (v.submitted_at or v.created_at)[:16].replace("T", " ")
            by = v.submitted_by or v.created_by
            reason = translate("cli", "  更正原因：{r}").format(r=v.reason) if v.reason else ""
            lines.append(
                translate("cli", "  第 {v} 版  {status}  {when}  {by}  {n} 项数据{reason}").format(
                    v=v.version, status=v.status_label, when=when, by=by, n=len(v.figures), reason=reason
                )
            )
        lines += [translate("cli", "已写出：{path}").format(path=p) for p in written]
        return "\n".join(lines)

    emit(args, {**asdict(state), "written": [str(p) for p in written]}, human)
    return 0


def _trust_line(t: Any) -> str:
    revoked = translate("cli", "  （已于 {at} 撤销）").format(at=t.revoked_at[:10]) if t.revoked_at else ""
    return translate("cli", "{unit}（{uid}）  指纹 {fp}  有效期至 {until}{revoked}").format(
        unit=t.unit_name or "—",
        uid=t.unit_id or "—",
        fp=t.fingerprint,
        until=(t.not_after or "")[:10],
        revoked=revoked,
    )


def cmd_trust_add(args: argparse.Namespace) -> int:
    from model.exchange.district import trust_add

    with open_store(args, write=True) as store:
        entry = trust_add(store, store.plan(), args.cert, who=who(), unit=args.unit)
    emit(
        args,
        asdict(entry),
        lambda: translate(
            "cli", "已加入受信任列表：{line}\n请与该单位电话核对指纹后再导入其报送文件。"
        ).format(line=_trust_line(entry)),
    )
    return 0


def cmd_trust_list(args: argparse.Namespace) -> int:
    from model.exchange.district import trust_list

    with open_store(args) as store:
        entries = trust_list(store, store.plan(), include_revoked=args.all)
    emit(
        args,
        [asdict(e) for e in entries],
        lambda: (
            "\n".join(_trust_line(e) for e in entries)
            or translate("cli", "受信任列表是空的：用 main.py trust add CERT.pem 加入单位的证书。")
        ),
    )
    return 0


def cmd_trust_remove(args: argparse.Namespace) -> int:
    from model.exchange.district import trust_remove

    with open_store(args, write=True) as store:
        entry = trust_remove(store, store.plan(), args.cert, who=who())
    emit(
        args,
        asdict(entry),
        lambda: translate(
            "cli", "已撤销信任：{line}\n已导入的报送文件保留；此后用该证书签名的文件将被拒收。"
        ).format(line=_trust_line(entry)),
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from model.exchange.district import import_packages

    with open_store(args, write=True) as store:
        outcomes = import_packages(store, args.files, who=who())
    refused = sum(o.refused for o in outcomes)

    def human() -> str:
        from collections import Counter

        from model.exchange.district import OUTCOMES, outcome_label

        counts = Counter(o.outcome for o in outcomes)
        tally = "，".join(f"{outcome_label(k)} {counts[k]} 个" for k in OUTCOMES if counts[k])
        lines = [f"{o.path}：{o.message}" for o in outcomes]
        lines.append(translate("cli", "共 {n} 个文件：{tally}。").format(n=len(outcomes), tally=tally))
        return "\n".join(lines)

    emit(args, [{**asdict(o), "label": o.label} for o in outcomes], human)
    return 1 if refused else 0


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _status_text(grid: Any) -> str:
    from model.calc.completeness import state_label

    short = {"on_time": "按时", "late": "迟报", "corrected": "更正", "missing": "未报", "not_due": "  · "}
    months = [c.period for c in grid.units[0].cells] if grid.units else []
    name_width = max([_width(r.unit_name) for r in grid.units] + [8]) + 2
    lines = [
        translate("cli", "{year}年报送情况（截至 {as_of}；每月数据应于次月 {day} 日前报送）").format(
            year=grid.year, as_of=grid.as_of, day=grid.deadline_day
        ),
        _pad(translate("cli", "单位"), name_width)
        + "".join(_pad(translate("cli", "{m}月").format(m=int(p[5:])), 6) for p in months),
    ]
    for row in grid.units:
        lines.append(
            _pad(row.unit_name, name_width)
            + "".join(_pad(translate("cli", short[c.state]), 6) for c in row.cells)
        )
    counts = "，".join(f"{state_label(s)} {n}" for s, n in grid.counts.items() if n)
    lines.append(translate("cli", "{period}：{counts}。").format(period=grid.period, counts=counts))
    missing = [r.unit_name for r in grid.units if r.unit_id in grid.missing()]
    if missing:
        lines.append(translate("cli", "未报：{names}").format(names="、".join(missing)))
    lines.append(translate("cli", "图例：按时、迟报、更正（收到更正版）、未报（已过截止日）、· 未到截止日"))
    return "\n".join(line.rstrip() for line in lines)


def cmd_status(args: argparse.Namespace) -> int:
    from datetime import date

    from model.calc.completeness import completeness
    from model.common.periods import parse_period

    period = parse_period(args.period)
    as_of = None
    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            raise UserError(
                translate("cli", "--as-of “{d}”格式不对：请写成 年-月-日，例如 2024-08-20。").format(
                    d=args.as_of
                )
            ) from None
    with open_store(args) as store:
        plan = store.plan()
        if period.year != plan.year:
            raise UserError(
                translate("cli", "报告期 {p} 不在本计划年度（{y}年）内。").format(p=period, y=plan.year)
            )
        grid = completeness(store, plan, upto=period, as_of=as_of)
    emit(args, grid.to_dict(), lambda: _status_text(grid))
    return 0


def cmd_targets_export(args: argparse.Namespace) -> int:
    from model.exchange.targets import export_targets

    with open_store(args) as store:
        plan = store.plan()
    n = export_targets(plan, args.output)
    emit(
        args,
        {"path": str(args.output), "plan_id": plan.id, "targets": n},
        lambda: translate(
            "cli",
            "已导出 {year}年目标表（{n} 项）：{path}\n只修改“目标值”一列，改好后用 main.py targets import 文件 检查。",
        ).format(year=plan.year, n=n, path=args.output),
    )
    return 0


def _shown_target(value: Any, unit: str) -> str:
    return value if isinstance(value, str) else f"{value:g}{unit}"


def cmd_targets_import(args: argparse.Namespace) -> int:
    from model.exchange.targets import apply_target_changes, read_target_changes

    with open_store(args, write=args.apply) as store:
        plan = store.plan()
        result = read_target_changes(plan, args.file)
        applied = False
        if args.apply and result.ok and result.changes:
            apply_target_changes(store, plan, result, who=who())
            applied = True

    def human() -> str:
        lines = [
            translate("cli", "目标表 {path}：{n} 处修改，{same} 项未变。").format(
                path=args.file, n=len(result.changes), same=result.unchanged
            )
        ]
        for c in result.changes:
            lines.append(
                translate("cli", "  第 {line} 行 附件{annex} {subject} {indicator}：{old} → {new}").format(
                    line=c.line,
                    annex=c.annex,
                    subject=c.subject,
                    indicator=c.indicator,
                    old=_shown_target(c.old, c.unit),
                    new=_shown_target(c.new, c.unit),
                )
            )
        lines += [f"  {note}" for note in result.notes]
        if result.problems:
            lines.append(translate("cli", "有 {n} 处问题，未作任何修改：").format(n=len(result.problems)))
            lines += [f"  - {p}" for p in result.problems]
        elif applied:
            lines.append(
                translate(
                    "cli", "已应用到计划 {id}。用 main.py plan-export -o 文件 导出计划发给各单位。"
                ).format(id=plan.id)
            )
        elif result.changes:
            lines.append(translate("cli", "以上修改尚未应用：确认无误后加 --apply 再运行一次。"))
        return "\n".join(lines)

    emit(args, {**asdict(result), "applied": applied}, human)
    return 1 if result.problems else 0


def cmd_plan_export(args: argparse.Namespace) -> int:
    from model.exchange.targets import export_plan

    with open_store(args) as store:
        plan = store.plan()
    export_plan(plan, args.output)
    emit(
        args,
        {"path": str(args.output), "plan_id": plan.id, "plan_year": plan.year},
        lambda: translate(
            "cli", "已导出计划 {title}（{id}）到 {path}\n各单位用 main.py init --plan {path} 载入。"
        ).format(title=plan.title, id=plan.id, path=args.output),
    )
    return 0


def cmd_window(args: argparse.Namespace) -> int:
    from gui.app import run

    return run(args.db)


# ---- parser -----------------------------------------------------------------------------------


def build_parser() -> Parser:
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help=translate("cli", "数据库文件（默认取 TANBAO_DB，或用户数据目录）"),
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help=translate("cli", "以 JSON 输出")
    )
    prog = Path(sys.executable).name if getattr(sys, "frozen", False) else "main.py"
    parser = Parser(prog=prog, description=translate("cli", "TanBao 碳报：节能降碳目标月报"))
    # Before the command as well as after it; argparse would let a subcommand's default overwrite these.
    parser.add_argument(
        "--db", dest="global_db", help=translate("cli", "数据库文件（默认取 TANBAO_DB，或用户数据目录）")
    )
    parser.add_argument(
        "--json", dest="global_json", action="store_true", help=translate("cli", "以 JSON 输出")
    )
    parser.set_defaults(func=cmd_window)
    sub = parser.add_subparsers(title=translate("cli", "命令"), metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser("init", parents=[common], help=translate("cli", "创建或升级数据库，载入计划"))
    p.add_argument("--plan", metavar="FILE", help=translate("cli", "计划文件（默认：随程序提供的计划）"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("plan", parents=[common], help=translate("cli", "显示当前计划"))
    p.add_argument("--annex", type=int, choices=[1, 2, 3, 4], help=translate("cli", "只显示某个附件"))
    p.add_argument("--unit", metavar="U", help=translate("cli", "列出该单位的填报项"))
    p.set_defaults(func=cmd_plan)

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

    p = sub.add_parser("keys", help=translate("cli", "本单位的签名密钥和证书"))
    keys = p.add_subparsers(
        title=translate("cli", "操作"), metavar="ACTION", parser_class=Parser, required=True
    )
    k = keys.add_parser(
        "new", parents=[common], help=translate("cli", "新建密钥（口令取自 TANBAO_PASSPHRASE 或提示输入）")
    )
    k.add_argument("--unit", metavar="U", required=True, help=translate("cli", "密钥所属单位"))
    k.add_argument("-o", "--output", metavar="KEY.p12", required=True)
    k.add_argument(
        "--algorithm",
        choices=["ecdsa", "rsa"],
        default="ecdsa",
        help=translate("cli", "ecdsa（P-256，默认）或 rsa（2048 位）"),
    )
    k.set_defaults(func=cmd_keys_new)
    k = keys.add_parser("cert", parents=[common], help=translate("cli", "导出证书（PEM）交给区里"))
    k.add_argument("key", metavar="KEY.p12")
    k.add_argument("-o", "--output", metavar="CERT.pem", required=True)
    k.set_defaults(func=cmd_keys_cert)

    p = sub.add_parser("export", parents=[common], help=translate("cli", "导出报表（PDF、Excel）或汇总表"))
    p.add_argument("kind", choices=["pdf", "xlsx", "summary-pdf", "summary-xlsx"])
    p.add_argument("--unit", metavar="U", help=translate("cli", "单位（pdf、xlsx）"))
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.add_argument("--key", metavar="KEY.p12", help=translate("cli", "用此密钥签名 PDF"))
    p.add_argument("-o", "--output", metavar="FILE", required=True)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "verify", parents=[common], help=translate("cli", "检查报表 PDF 的签名、完整性、信任和所附数据")
    )
    p.add_argument("file", metavar="FILE.pdf")
    p.add_argument(
        "--trust", metavar="CERT.pem", action="append", help=translate("cli", "受信任的证书（可多次给出）")
    )
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "submit", parents=[common], help=translate("cli", "报送：冻结为第 N 版并写出签名报送文件")
    )
    p.add_argument("--unit", metavar="U", required=True)
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.add_argument("--key", metavar="KEY.p12", required=True, help=translate("cli", "本单位的签名密钥"))
    p.add_argument(
        "-o", "--output", metavar="DIR", required=True, help=translate("cli", "报送文件写入的目录")
    )
    p.set_defaults(func=cmd_submit)

    p = sub.add_parser("correct", parents=[common], help=translate("cli", "更正已报送的月份：打开第 N+1 版"))
    p.add_argument("--unit", metavar="U", required=True)
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.add_argument("--reason", metavar="TEXT", required=True, help=translate("cli", "更正原因"))
    p.set_defaults(func=cmd_correct)

    p = sub.add_parser(
        "history", parents=[common], help=translate("cli", "某月的各个报送版本；可写出某一版的报送文件")
    )
    p.add_argument("--unit", metavar="U", required=True)
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.add_argument(
        "--version", type=int, metavar="N", help=translate("cli", "与 -o 一起：写出第 N 版（默认最新一版）")
    )
    p.add_argument("-o", "--output", metavar="DIR", help=translate("cli", "把报送文件再次写入此目录"))
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("trust", help=translate("cli", "区里受信任的单位证书"))
    trust = p.add_subparsers(
        title=translate("cli", "操作"), metavar="ACTION", parser_class=Parser, required=True
    )
    t = trust.add_parser(
        "add", parents=[common], help=translate("cli", "加入单位证书（显示指纹，请与单位核对）")
    )
    t.add_argument("cert", metavar="CERT.pem")
    t.add_argument("--unit", metavar="U", help=translate("cli", "证书未写明单位时，指明它属于哪个单位"))
    t.set_defaults(func=cmd_trust_add)
    t = trust.add_parser("list", parents=[common], help=translate("cli", "列出受信任的证书"))
    t.add_argument("--all", action="store_true", help=translate("cli", "包括已撤销的"))
    t.set_defaults(func=cmd_trust_list)
    t = trust.add_parser(
        "remove", parents=[common], help=translate("cli", "撤销对某证书的信任（证书文件或指纹）")
    )
    t.add_argument("cert", metavar="CERT.pem")
    t.set_defaults(func=cmd_trust_remove)

    p = sub.add_parser(
        "import", parents=[common], help=translate("cli", "导入各单位的报送文件，每个文件一行结果")
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "status", parents=[common], help=translate("cli", "各单位各月报送情况（按时、迟报、更正、未报）")
    )
    p.add_argument("--period", metavar="YYYY-MM", required=True, help=translate("cli", "显示到哪个月"))
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help=translate("cli", "按哪一天判断是否逾期（默认今天）"))
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("targets", help=translate("cli", "目标表：导出到 Excel 修改，再导入检查和应用"))
    targets = p.add_subparsers(
        title=translate("cli", "操作"), metavar="ACTION", parser_class=Parser, required=True
    )
    t = targets.add_parser("export", parents=[common], help=translate("cli", "导出当前计划的目标表"))
    t.add_argument("-o", "--output", metavar="FILE.xlsx", required=True)
    t.set_defaults(func=cmd_targets_export)
    t = targets.add_parser(
        "import", parents=[common], help=translate("cli", "列出目标表的每处修改；加 --apply 才应用")
    )
    t.add_argument("file", metavar="FILE.xlsx")
    t.add_argument("--apply", action="store_true", help=translate("cli", "没有问题时应用修改"))
    t.set_defaults(func=cmd_targets_import)

    p = sub.add_parser(
        "plan-export", parents=[common], help=translate("cli", "把当前计划导出为文件，发给各单位 init --plan")
    )
    p.add_argument("-o", "--output", metavar="FILE.json", required=True)
    p.set_defaults(func=cmd_plan_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.db = getattr(args, "db", None) or args.global_db
    args.json = getattr(args, "json", False) or args.global_json
    try:
        return int(args.func(args))
    except ValidationError as exc:
        print(translate("cli", "错误：{msg}").format(msg=exc.message), file=sys.stderr)
        if len(exc.problems) > 1 or exc.problems[:1] != [exc.message]:
            for problem in exc.problems:
                print(f"  - {problem}", file=sys.stderr)
        return 2
    except UserError as exc:
        print(translate("cli", "错误：{msg}").format(msg=exc.message), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
