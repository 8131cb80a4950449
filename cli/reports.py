"""Signing keys, report exports and verifying a signed report."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from cli.common import Parser, add_force, db_path, emit, open_store, read_passphrase, report_people, who
from cli.render import verify_text
from model.common.errors import UserError
from model.common.i18n import translate
from model.common.untrusted import fingerprint_groups, shown


def cmd_keys_new(args: argparse.Namespace) -> int:
    from model.reports.signing import certificate_info, check_new_passphrase, load_key, new_key
    from model.safety.files import KEY, check_overwrite, write_output

    out = args.output
    check_overwrite(out, KEY, force=args.force)
    with open_store(args) as store:
        plan = store.plans.get()
    unit = plan.find_unit(args.unit)
    passphrase = read_passphrase(translate("cli", "为新密钥设定口令："), confirm=True)
    check_new_passphrase(passphrase)
    p12 = new_key(unit.id, unit.full_name, passphrase, algorithm=args.algorithm, district=plan.district)
    write_output(out, p12, kind=KEY, force=args.force)
    info = certificate_info(load_key(p12, passphrase).certificate)
    emit(
        args,
        {"path": str(out), **asdict(info)},
        lambda: translate(
            "cli",
            "已为 {unit} 创建密钥 {path}（{alg}）\n证书 SHA-256 指纹：{fp}\n请妥善保管密钥文件和口令；用 keys cert 导出证书交给区里。",
        ).format(
            unit=unit.full_name, path=out, alg=info.algorithm, fp=fingerprint_groups(info.fingerprint_sha256)
        ),
    )
    return 0


def cmd_keys_cert(args: argparse.Namespace) -> int:
    from model.reports.signing import key_certificate
    from model.safety.files import CERT, check_overwrite, write_output

    check_overwrite(args.output, CERT, force=args.force)
    pem, info = key_certificate(args.key, read_passphrase(translate("cli", "密钥口令：")))
    write_output(args.output, pem.encode("ascii"), kind=CERT, force=args.force)
    emit(
        args,
        {"path": str(args.output), **asdict(info)},
        lambda: translate(
            "cli", "证书已导出到 {path}\n单位：{org}\n证书 SHA-256 指纹：{fp}\n有效期至：{until}"
        ).format(
            path=shown(args.output),
            org=shown(info.organization or info.common_name),
            fp=fingerprint_groups(info.fingerprint_sha256),
            until=info.not_after,
        ),
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from model.common.periods import parse_period
    from model.reports.export import district_summary_file, unit_report
    from model.safety.files import PDF, XLSX, check_overwrite, write_output

    period = parse_period(args.period)
    kind = args.kind
    file_kind = PDF if kind.endswith("pdf") else XLSX
    check_overwrite(args.output, file_kind, force=args.force)
    if kind.startswith("summary-"):
        if args.unit or args.key:
            raise UserError(translate("cli", "汇总表不按单位导出，也不签名：请去掉 --unit 和 --key。"))
        with open_store(args) as store:
            data, summary = district_summary_file(
                store, period, kind.removeprefix("summary-"), report_people(store)
            )
        write_output(args.output, data, kind=file_kind, force=args.force)
        print(
            translate("cli", "已导出 {period} 汇总表：{path}（已报 {a} 个单位，未报 {b} 个）").format(
                period=period.label(),
                path=shown(args.output),
                a=len(summary.reported),
                b=len(summary.not_reported),
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
        unit = store.plans.get().find_unit(args.unit)
        data = unit_report(store, unit.id, period, kind, report_people(store), who=who(), key=key)
    write_output(args.output, data, kind=file_kind, force=args.force)
    signed = translate("cli", "，已签名") if key else ""
    print(
        translate("cli", "已导出 {unit} {period} 报表：{path}{signed}").format(
            unit=unit.name, period=period.label(), path=shown(args.output), signed=signed
        )
    )
    return 0


def _read_certificate_file(path: str) -> bytes:
    from model.exchange.district import MAX_CERT_BYTES
    from model.safety.files import read_bounded

    try:
        return read_bounded(path, MAX_CERT_BYTES, translate("cli", "证书文件"))
    except OSError as exc:
        raise UserError(
            translate("cli", "无法读取证书文件 {path}：{err}").format(
                path=shown(path), err=exc.strerror or exc
            )
        ) from None


def cmd_verify(args: argparse.Namespace) -> int:
    """With --trust: against those certificates only. Without: against the database's trusted
    certificates, as import judges it (a database that does not exist trusts nobody)."""
    from model.exchange.district import verify_package
    from model.reports.signing import verify_pdf

    if not args.trust and db_path(args).exists():
        with open_store(args) as store:
            result = verify_package(store, args.file)
    else:
        result = verify_pdf(args.file, [_read_certificate_file(cert) for cert in args.trust or []])
    emit(args, result.to_dict(), lambda: verify_text(result))
    return 0 if result.ok else 1


def cmd_verify_print(args: argparse.Namespace) -> int:
    """A printed page's QR code against the packages this (district) database holds."""
    from pathlib import Path

    from model.exchange.printcheck import check_text, checks_json, verify_print

    with open_store(args) as store:
        checks = verify_print(store, Path(args.file))
    emit(args, checks_json(checks), lambda: "\n\n".join(check_text(c) for c in checks))
    return 0 if all(c.ok for c in checks) else 1


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("keys", help=translate("cli", "本单位的签名密钥和证书"))
    keys = p.add_subparsers(
        title=translate("cli", "操作"), metavar="ACTION", parser_class=Parser, required=True
    )
    k = keys.add_parser(
        "new", parents=[common], help=translate("cli", "新建密钥（口令取自 TANBAO_PASSPHRASE 或提示输入）")
    )
    k.add_argument("--unit", metavar="U", required=True, help=translate("cli", "密钥所属单位"))
    k.add_argument("-o", "--output", metavar="KEY.p12", required=True)
    add_force(k)
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
    add_force(k)
    k.set_defaults(func=cmd_keys_cert)

    p = sub.add_parser("export", parents=[common], help=translate("cli", "导出报表（PDF、Excel）或汇总表"))
    p.add_argument("kind", choices=["pdf", "xlsx", "summary-pdf", "summary-xlsx"])
    p.add_argument("--unit", metavar="U", help=translate("cli", "单位（pdf、xlsx）"))
    p.add_argument("--period", metavar="YYYY-MM", required=True)
    p.add_argument("--key", metavar="KEY.p12", help=translate("cli", "用此密钥签名 PDF"))
    p.add_argument("-o", "--output", metavar="FILE", required=True)
    add_force(p)
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
        "verify-print",
        parents=[common],
        help=translate("cli", "核对纸质报表：读取页面二维码，查看区里是否收到这一版本"),
    )
    p.add_argument("file", metavar="SCAN.png|.jpg|.pdf")
    p.set_defaults(func=cmd_verify_print)
