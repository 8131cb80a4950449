"""The command line speaks Chinese in its help and its usage errors, without patching argparse."""

import argparse

import pytest

import main
from cli.parser import build_parser


def test_help_is_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_:
        main.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：main.py")
    assert "选项" in out and "显示帮助并退出" in out
    assert "usage:" not in out and "options:" not in out and "show this help" not in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["enter", "--bogus"], "无法识别的参数：--bogus"),
        (["keys"], "缺少必需的参数：ACTION"),
        (["export", "docx", "--period", "2024-02", "-o", "x"], "参数 kind：无效的选项 'docx'"),
        (["progress", "--unit", "zhujing"], "缺少必需的参数：--period"),
    ],
)
def test_usage_errors_are_one_chinese_line(capsys, argv, expected):
    with pytest.raises(SystemExit) as exit_:
        main.main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("错误：命令用法不对：")
    assert expected in err


def test_argparse_module_is_not_patched():
    build_parser()
    assert argparse._.__module__ == "gettext"  # argparse's own `_`, not a replacement


@pytest.mark.parametrize("argv", [[], ["--db", "w.sqlite"], ["--db=w.sqlite"]])
def test_opening_the_window_reads_its_options_without_every_command(argv):
    from cli import window_only

    args = window_only(argv)
    full = build_parser().parse_args(argv)
    assert (args.func, args.global_db) == (full.func, full.global_db)


@pytest.mark.parametrize("argv", [["--help"], ["--db", "w.sqlite", "show"], ["--json"], ["--db"], ["status"]])
def test_anything_else_goes_to_the_full_parser(argv):
    from cli import window_only

    assert window_only(argv) is None
