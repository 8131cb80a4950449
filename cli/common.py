"""What every command shares: the database it opens, who runs it, how it prints."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any

from model.common.errors import UserError
from model.common.i18n import translate


def who() -> str:
    return os.environ.get("TANBAO_USER") or getpass.getuser()


def open_store(  # type: ignore[no-untyped-def]
    args: argparse.Namespace, *, write: bool = False, create: bool = False
):
    """`write=True` for commands that change the database: they take the writer lock, so a second
    program writing the same file is refused with a message naming it, and upgrade an older file.
    Reading commands only read: a path that names no database says so (and suggests `init`) instead of
    leaving an empty one behind. Only `init` creates (`create=True`)."""
    from model.safety.drives import location_warning
    from model.store.database import open_database
    from model.store.location import database_path

    path = database_path(args.db)
    warning = location_warning(path)
    if warning:
        print(translate("cli", "警告：{msg}").format(msg=warning), file=sys.stderr)
    return open_database(path, write=write or create, create=create)


def add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help=translate(
            "cli", "输出文件已存在且不是以前导出的同类文件（例如数据库、备份、密钥）时，仍然覆盖它"
        ),
    )


def emit(args: argparse.Namespace, data: Any, human: Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(human())


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


def report_people(store: Any) -> Any:
    """The form's footer: the profile in the database (`main.py profile`, the window's 我是谁), so the
    window and the command line print the same names. TANBAO_UNIT_HEAD / _STATS_HEAD / _PREPARER /
    _PHONE, when set, override one name for this run; blank names are lines to sign by hand."""
    from dataclasses import replace

    from model.reports.tables import people_from_profile

    people = people_from_profile(store.profile.get())
    overrides = {
        name: os.environ[variable]
        for name, variable in (
            ("unit_head", "TANBAO_UNIT_HEAD"),
            ("stats_head", "TANBAO_STATS_HEAD"),
            ("preparer", "TANBAO_PREPARER"),
            ("phone", "TANBAO_PHONE"),
        )
        if os.environ.get(variable)
    }
    return replace(people, **overrides)


def db_path(args: argparse.Namespace) -> Any:
    from model.store.location import database_path

    return database_path(args.db)


def unit_and_period(store: Any, args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from model.common.periods import parse_period

    plan = store.plans.get()
    unit = plan.find_unit(args.unit)
    period = parse_period(args.period)
    plan.check_period(period)
    return plan, unit, period


# argparse's own messages (it builds them in English): the same text in Chinese, matched at error time.
_ARGPARSE_ERRORS = [
    (r"the following arguments are required: (.*)", "缺少必需的参数：{0}"),
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", "参数 {0}：无效的选项 {1}（可选：{2}）"),
    (r"argument (\S+): expected one argument", "参数 {0}：需要一个值"),
    (r"argument (\S+): invalid (\S+) value: (.*)", "参数 {0}：无效的 {1} 值：{2}"),
    (r"argument (\S+): not allowed with argument (.*)", "参数 {0}：不能与参数 {1} 同时使用"),
    (r"one of the arguments (.*) is required", "参数 {0} 必须给出一个"),
    (r"ambiguous option: (\S+) could match (.*)", "选项 {0} 不明确，可能是 {1}"),
]


def argparse_message_zh(message: str) -> str:
    for pattern, text in _ARGPARSE_ERRORS:
        m = re.fullmatch(pattern, message)
        if m:
            return translate("cli", text).format(*m.groups())
    return message


class Parser(argparse.ArgumentParser):
    """argparse with its help and errors in Chinese, through its public hooks only."""

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = translate("cli", "位置参数")
        self._optionals.title = translate("cli", "选项")
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=translate("cli", "显示帮助并退出"),
            )

    def format_usage(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(
            self.usage, self._actions, self._mutually_exclusive_groups, translate("cli", "用法：")
        )
        return formatter.format_help()

    def format_help(self) -> str:
        # ArgumentParser.format_help, with the usage prefix in Chinese
        formatter = self._get_formatter()
        formatter.add_usage(
            self.usage, self._actions, self._mutually_exclusive_groups, translate("cli", "用法：")
        )
        formatter.add_text(self.description)
        for group in self._action_groups:
            formatter.start_section(group.title)
            formatter.add_text(group.description)
            formatter.add_arguments(group._group_actions)
            formatter.end_section()
        formatter.add_text(self.epilog)
        return formatter.format_help()

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(
            translate("cli", "错误：命令用法不对：{msg}。用 {prog} --help 查看用法。").format(
                msg=argparse_message_zh(message), prog=self.prog
            )
            + "\n"
        )
        sys.exit(2)
