"""The unit's side of reporting upward: submit a period, correct it, its versions."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from cli.common import emit, open_store, read_passphrase, report_people, unit_and_period, who
from model.common.errors import UserError, ValidationError
from model.common.i18n import translate


def cmd_submit(args: argparse.Namespace) -> int:
    from model.exchange.submission import SUBMITTED, blocking_problems, period_state, submit
    from model.reports.signing import load_key

    with open_store(args, write=True) as store:
        people = report_people(store)
        plan, unit, period = unit_and_period(store, args)
        state = period_state(store, plan, unit.id, period)
        if state.status != SUBMITTED:  # say what blocks it before asking for the passphrase
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
            signer_name=people.signer or None,
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
        plan, unit, period = unit_and_period(store, args)
        state = correct(store, plan, unit.id, period, args.reason, who=who())
    emit(args, asdict(state), lambda: state.message)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from model.exchange.submission import period_state, write_package

    with open_store(args) as store:
        plan, unit, period = unit_and_period(store, args)
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


def register(sub: Any, common: argparse.ArgumentParser) -> None:
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
