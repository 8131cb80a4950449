"""The district's side: trusted certificates, importing packages, completeness, the target table."""

from __future__ import annotations

import argparse
import signal
import sys
from dataclasses import asdict
from datetime import date
from typing import Any

from cli.common import Parser, add_force, emit, open_store, unit_and_period, who
from cli.render import received_heading, received_line, shown_target, status_text, trust_line
from model.common.errors import UserError
from model.common.i18n import translate
from model.common.untrusted import fingerprint_groups, shown


def cmd_trust_add(args: argparse.Namespace) -> int:
    from model.exchange.district import ReplaceNeeded, UnitNeeded, trust_add

    with open_store(args, write=True) as store:
        try:
            entry = trust_add(
                store, store.plans.get(), args.cert, who=who(), unit=args.unit, replace=args.replace
            )
        except ReplaceNeeded as exc:
            raise UserError(
                translate("cli", "{msg}\n确认该单位换了新密钥后，加 --replace 再运行一次。").format(
                    msg=exc.message
                )
            ) from None
        except UnitNeeded as exc:
            raise UserError(translate("cli", "{msg}用 --unit 指明。").format(msg=exc.message)) from None

    def human() -> str:
        lines = [translate("cli", "已加入受信任列表：{line}").format(line=trust_line(entry))]
        lines += [
            translate("cli", "已替换并撤销该单位原来的证书：指纹 {fp}").format(fp=fingerprint_groups(fp))
            for fp in entry.replaced
        ]
        lines.append(translate("cli", "请与该单位电话核对指纹（逐组读出）后再导入其报送文件。"))
        return "\n".join(lines)

    emit(args, asdict(entry), human)
    return 0


def cmd_trust_list(args: argparse.Namespace) -> int:
    from model.exchange.district import trust_list

    with open_store(args) as store:
        entries = trust_list(store, store.plans.get(), include_revoked=args.all)
    emit(
        args,
        [asdict(e) for e in entries],
        lambda: (
            "\n".join(trust_line(e) for e in entries)
            or translate("cli", "受信任列表是空的：用 main.py trust add CERT.pem 加入单位的证书。")
        ),
    )
    return 0


def cmd_trust_remove(args: argparse.Namespace) -> int:
    from model.exchange.district import trust_remove

    with open_store(args, write=True) as store:
        entry = trust_remove(store, store.plans.get(), args.cert, who=who())
    emit(
        args,
        asdict(entry),
        lambda: translate(
            "cli", "已撤销信任：{line}\n已导入的报送文件保留；此后用该证书签名的文件将被拒收。"
        ).format(line=trust_line(entry)),
    )
    return 0


def _day(option: str, text: str | None) -> date | None:
    """A YYYY-MM-DD option, or a Chinese message saying how to write it."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            translate("cli", "{option} “{d}”格式不对：请写成 年-月-日，例如 2024-08-20。").format(
                option=option, d=text
            )
        ) from None


def cmd_import(args: argparse.Namespace) -> int:
    from model.exchange.district import import_cancelled, import_packages

    received_on = _day("--received-on", args.received_on)
    cancel = _CtrlC()

    def line(o: Any) -> None:
        if not args.json:  # one line per file as soon as it is stored, in the order given
            print(f"{shown(o.path)}：{o.message}", flush=True)

    with open_store(args, write=True) as store, cancel:
        outcomes = import_packages(
            store, args.files, who=who(), received_on=received_on, progress=cancel.go_on, on_outcome=line
        )
    refused = sum(o.refused for o in outcomes)
    cancelled = import_cancelled(args.files, outcomes) if len(outcomes) < len(args.files) else ""

    def human() -> str:
        from collections import Counter

        from model.exchange.district import OUTCOMES, outcome_label

        counts = Counter(o.outcome for o in outcomes)
        tally = "，".join(f"{outcome_label(k)} {counts[k]} 个" for k in OUTCOMES if counts[k])
        lines = [translate("cli", "共 {n} 个文件：{tally}。").format(n=len(outcomes), tally=tally)]
        return "\n".join([*lines, cancelled] if cancelled else lines)

    emit(args, [{**asdict(o), "label": o.label} for o in outcomes], human)
    if cancelled and args.json:
        print(cancelled, file=sys.stderr)
    return 1 if refused or cancelled else 0  # 1: not every file was imported


class _CtrlC:
    """Ctrl-C during an import: stop before the next file (what is stored stays); a second one stops at once."""

    def __init__(self) -> None:
        self.pressed = False
        self.before: Any = None

    def __enter__(self) -> _CtrlC:
        try:
            self.before = signal.signal(signal.SIGINT, self._pressed)
        except ValueError:  # not the main thread (tests): no Ctrl-C to catch
            self.before = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.before is not None:
            signal.signal(signal.SIGINT, self.before)

    def _pressed(self, _signum: int, _frame: Any) -> None:
        self.pressed = True
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print(
            translate("cli", "正在取消：当前文件处理完后停止…（再按一次 Ctrl-C 立即停止）"),
            file=sys.stderr,
            flush=True,
        )

    def go_on(self, _done: int, _total: int, _path: str) -> bool:
        return not self.pressed


def cmd_status(args: argparse.Namespace) -> int:
    from model.calc.summary import district_view
    from model.common.periods import parse_period

    period = parse_period(args.period)
    as_of = _day("--as-of", args.as_of)
    with open_store(args) as store:
        plan = store.plans.get()
        plan.check_period(period)
        view = district_view(store, period, as_of=as_of)
    data = {key: value for key, value in view.to_dict().items() if key != "grid"}
    emit(args, {**data, **view.grid.to_dict()}, lambda: status_text(view))
    return 0


def cmd_received(args: argparse.Namespace) -> int:
    from model.exchange.received import evidence_list, held_month, package_pdf, write_held

    with open_store(args) as store:
        plan, unit, period = unit_and_period(store, args)
        month = held_month(store, plan, unit.id, period)
        evidence = {v.version: evidence_list(package_pdf(store, v)) for v in month.versions}
        written: list[Any] = []
        if args.output:
            chosen = [
                v for v in month.versions if v.version == args.version or (not args.version and v.in_use)
            ]
            if not chosen:
                raise UserError(
                    translate("cli", "{unit} {period} 没有第 {v} 版的报送文件。").format(
                        unit=unit.name, period=period, v=args.version or "—"
                    )
                )
            stem = f"{unit.id}_{period}_v{chosen[0].version}"
            written = write_held(store, chosen[0], args.output, stem=stem)

    def human() -> str:
        lines = [received_heading(unit.name, period, len(month.versions))]
        for v in month.versions:
            lines.append(received_line(v))
            lines += [
                translate("cli", "    证明材料：{name}（{kb:,.1f} KB）").format(name=e.name, kb=e.size / 1024)
                for e in evidence[v.version]
            ]
        lines += [translate("cli", "已写出：{path}").format(path=p) for p in written]
        return "\n".join(lines)

    data = {
        **asdict(month),
        "evidence": {str(k): [asdict(e) for e in v] for k, v in evidence.items()},
        "written": [str(p) for p in written],
    }
    emit(args, data, human)
    return 0


def cmd_targets_export(args: argparse.Namespace) -> int:
    from model.exchange.targets import export_targets

    with open_store(args) as store:
        plan = store.plans.get()
    n = export_targets(plan, args.output, force=args.force)
    emit(
        args,
        {"path": str(args.output), "plan_id": plan.id, "targets": n},
        lambda: translate(
            "cli",
            "已导出 {year}年目标表（{n} 项）：{path}\n只修改“目标值”一列，改好后用 main.py targets import 文件 检查。",
        ).format(year=plan.year, n=n, path=shown(args.output)),
    )
    return 0


def cmd_targets_import(args: argparse.Namespace) -> int:
    from model.exchange.targets import apply_target_changes, read_target_changes

    with open_store(args, write=args.apply) as store:
        plan = store.plans.get()
        result = read_target_changes(plan, args.file)
        applied = False
        if args.apply and result.ok and result.changes:
            apply_target_changes(store, plan, result, who=who())
            applied = True

    def human() -> str:
        lines = [
            translate("cli", "目标表 {path}：{n} 处修改，{same} 项未变。").format(
                path=shown(args.file), n=len(result.changes), same=result.unchanged
            )
        ]
        for c in result.changes:
            lines.append(
                translate("cli", "  第 {line} 行 附件{annex} {subject} {indicator}：{old} → {new}").format(
                    line=c.line,
                    annex=c.annex,
                    subject=c.subject,
                    indicator=c.indicator,
                    old=shown_target(c.old, c.unit),
                    new=shown_target(c.new, c.unit),
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


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("trust", help=translate("cli", "区里受信任的单位证书"))
    trust = p.add_subparsers(
        title=translate("cli", "操作"), metavar="ACTION", parser_class=Parser, required=True
    )
    t = trust.add_parser(
        "add", parents=[common], help=translate("cli", "加入单位证书（显示指纹，请与单位核对）")
    )
    t.add_argument("cert", metavar="CERT.pem")
    t.add_argument("--unit", metavar="U", help=translate("cli", "证书未写明单位时，指明它属于哪个单位"))
    t.add_argument(
        "--replace",
        action="store_true",
        help=translate("cli", "该单位换了新密钥：用这张证书替换它原来的证书（原证书被撤销，记入审计）"),
    )
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
    p.add_argument(
        "--received-on",
        metavar="YYYY-MM-DD",
        help=translate("cli", "这批文件的收到日期（默认今天；可填更早的日期），据此判断按时或迟报，记入审计"),
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "received",
        parents=[common],
        help=translate("cli", "区里收到的某单位某月的各版报送文件：签名人、时间、更正原因、证明材料"),
    )
    p.add_argument("--unit", metavar="U", required=True)
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.add_argument("--version", type=int, metavar="N", help=translate("cli", "写出哪一版（默认在用的一版）"))
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help=translate("cli", "把该版的签名 PDF 和其中的证明材料写到这个目录"),
    )
    p.set_defaults(func=cmd_received)

    p = sub.add_parser(
        "status",
        parents=[common],
        help=translate("cli", "各单位各月报送情况（按时、迟报、更正、未报）与本期全区汇总"),
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
    add_force(t)
    t.set_defaults(func=cmd_targets_export)
    t = targets.add_parser(
        "import", parents=[common], help=translate("cli", "列出目标表的每处修改；加 --apply 才应用")
    )
    t.add_argument("file", metavar="FILE.xlsx")
    t.add_argument("--apply", action="store_true", help=translate("cli", "没有问题时应用修改"))
    t.set_defaults(func=cmd_targets_import)
