import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from model.plan.spec import Plan, load_shipped_plan
from model.store.database import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load_shipped_plan()


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "tanbao.sqlite")
    yield s
    s.close()
