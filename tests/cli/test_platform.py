"""The command line on the systems where offices run it: an old SQLite is refused, redirected output is
UTF-8 (Windows would write cp936)."""

from __future__ import annotations

import io
import json
import sqlite3
import sys

import pytest

import main


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.sqlite")


@pytest.mark.parametrize("command", [["init"], ["plan"], ["keys", "new", "--unit", "枫泾镇", "-o", "k.p12"]])
def test_every_command_refuses_an_sqlite_below_3_35_in_one_chinese_line(capsys, monkeypatch, db, command):
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.27.2")
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 27, 2))
    monkeypatch.setenv("TANBAO_PASSPHRASE", "a-long-passphrase")
    assert main.main(["--db", db, *command]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("错误：") and "SQLite 3.27.2" in err and "3.35" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def cp936_pipe(monkeypatch: pytest.MonkeyPatch, name: str) -> io.BytesIO:
    """stdout/stderr as Python opens them on a Chinese Windows when redirected to a file."""
    raw = io.BytesIO()
    monkeypatch.setattr(sys, name, io.TextIOWrapper(raw, encoding="cp936", newline=""))
    return raw


def test_json_redirected_on_a_chinese_windows_is_utf8(monkeypatch, db):
    assert main.main(["--db", db, "init"]) == 0
    raw = cp936_pipe(monkeypatch, "stdout")
    assert main.main(["--db", db, "plan", "--json"]) == 0
    sys.stdout.flush()
    text = raw.getvalue().decode("utf-8")  # cp936 bytes of Chinese text are not valid UTF-8
    assert "枫泾镇" in text
    json.loads(text)


def test_errors_redirected_on_a_chinese_windows_are_utf8(monkeypatch, db):
    raw = cp936_pipe(monkeypatch, "stderr")
    assert main.main(["--db", db + ".missing/x", "status", "--period", "2024-13"]) == 2
    sys.stderr.flush()
    assert raw.getvalue().decode("utf-8").startswith("错误：")
