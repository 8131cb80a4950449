import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from model.plan.spec import Plan, load_shipped_plan
from model.store.database import open_database

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load_shipped_plan()


@pytest.fixture
def store(tmp_path):
    s = open_database(tmp_path / "tanbao.sqlite", write=True, create=True)
    yield s
    s.close()


# How long the standalone builds took in this run (tests/test_build.py, tests/test_build_compat.py),
# printed at the end of the run so that build times are on record in every CI log.
BUILD_TIMES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if BUILD_TIMES:
        terminalreporter.section("standalone builds")
        for line in BUILD_TIMES:
            terminalreporter.write_line(line)
