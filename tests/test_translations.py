"""Every user-facing string can be handed to a translator: an English UI stays possible."""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import ROOT

LUPDATE = Path(ROOT / ".venv" / "bin" / "pyside6-lupdate")


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    lupdate = str(LUPDATE) if LUPDATE.exists() else shutil.which("pyside6-lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not installed")
    sources = [str(p) for d in ("gui", "model", "cli") for p in sorted((ROOT / d).rglob("*.py"))] + [
        str(ROOT / "main.py")
    ]
    ts = tmp_path_factory.mktemp("ts") / "tanbao_en.ts"
    subprocess.run([lupdate, *sources, "-ts", str(ts)], check=True, capture_output=True, timeout=300)
    messages: dict[str, set[str]] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        messages.setdefault(name, set()).update(m.findtext("source") or "" for m in context.iter("message"))
    return messages


def test_model_messages_are_extracted_with_their_context(catalogue):
    assert any("不能为负数" in text for text in catalogue["entry"])
    assert any("不是数字" in text for text in catalogue["numbers"])
    assert any("计划文件" in text for text in catalogue["plan"])


def test_cli_and_window_strings_are_extracted(catalogue):
    assert any("用法不对" in text for text in catalogue["cli"])
    assert "导出报表" in catalogue["ReportActions"]
    assert "首页" in catalogue["MainWindow"]


def test_no_context_is_a_message(catalogue):
    # a context that looks like Chinese text means a call was extracted with its arguments swapped
    assert not [c for c in catalogue if any("\u4e00" <= ch <= "\u9fff" for ch in c)]
