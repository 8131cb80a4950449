"""The command line: the same operations as the window, for district IT, batch jobs and tests.

It holds no business rule: every command reads its arguments, calls model functions the window calls
too, and renders what they return (text, or JSON with --json).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from model.common.errors import UserError, ValidationError
from model.common.i18n import translate


def utf8_output() -> None:
    """Print UTF-8 also when stdout/stderr go to a file or a pipe. On Windows Python would otherwise write
    redirected output in the ANSI code page (cp936 on Chinese Windows): `--json > out.json` must be UTF-8.
    (A Windows console is UTF-8 already; so is Linux with a UTF-8 or C locale.)"""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


def window_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when they only open the window (none, or `--db PATH`): then the parser of every
    command, and the modules behind it, need not be loaded before the window. None otherwise."""
    from cli.window import cmd_window

    args = list(argv)
    if args[:1] == ["--db"] and len(args) == 2 and not args[1].startswith("-"):
        db: str | None = args[1]
    elif len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        db = args[0][len("--db=") :]
    elif not args:
        db = None
    else:
        return None
    return argparse.Namespace(db=None, global_db=db, json=False, global_json=False, func=cmd_window)


def main(argv: Sequence[str] | None = None) -> int:
    from cli.window import cmd_window

    utf8_output()
    args = window_only(sys.argv[1:] if argv is None else argv)
    if args is None:
        from cli.parser import build_parser

        args = build_parser().parse_args(argv)
    args.db = getattr(args, "db", None) or args.global_db
    args.json = getattr(args, "json", False) or args.global_json
    try:
        if args.func is not cmd_window:  # the window says it in a message box (gui/app.py)
            from model.store.connection import require_sqlite

            require_sqlite()
        return int(args.func(args))
    except ValidationError as exc:
        print(translate("cli", "错误：{msg}").format(msg=exc.message), file=sys.stderr)
        if len(exc.problems) > 1 or exc.problems[:1] != [exc.message]:
            for problem in exc.problems:
                print(f"  - {problem}", file=sys.stderr)
        return 2
    except UserError as exc:
        from model.safety.files import OverwriteRefused

        hint = translate("cli", "确实要覆盖时加 --force。") if isinstance(exc, OverwriteRefused) else ""
        print(translate("cli", "错误：{msg}").format(msg=exc.message) + hint, file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a damaged file met by a reading command, a disk failing: not a bug
        from model.common.failures import OPEN, environment_error
        from model.common.paths import default_db_path

        known = environment_error(exc, default_db_path(args.db), OPEN)
        if known is None:
            raise
        print(translate("cli", "错误：{msg}").format(msg=known.message), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
