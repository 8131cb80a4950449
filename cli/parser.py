"""The command line's parser: global options, then each command group registers its own commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import backups, district, evidence, figures, reports, setup, submissions
from cli.common import Parser
from cli.window import cmd_window
from model.common.i18n import translate

GROUPS = (setup, figures, evidence, reports, submissions, district, backups)


def build_parser() -> Parser:
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
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
        "--db",
        dest="global_db",
        metavar="PATH",
        help=translate("cli", "数据库文件（默认取 TANBAO_DB，或用户数据目录）"),
    )
    parser.add_argument(
        "--json", dest="global_json", action="store_true", help=translate("cli", "以 JSON 输出")
    )
    parser.set_defaults(func=cmd_window)
    sub = parser.add_subparsers(title=translate("cli", "命令"), metavar="COMMAND", parser_class=Parser)

    for group in GROUPS:
        group.register(sub, common)
    return parser
